import { describe, expect, it, vi } from 'vitest';
import { createNluClient, type FullStageEvent } from './client';
import type { ParseResult } from '../parse';
import type { LoadInfo, WorkerMessage, WorkerRequest } from './protocol';

const FULL: LoadInfo = { stage: 'full', backend: 'wasm', backendReason: 'test', modelBytes: 10, fromCache: false, loadMs: 5, warmupMs: 1 };

/** A worker stand-in: records requests; the test answers them, or sends the worker's own events. */
function fakeWorker() {
  const requests: WorkerRequest[] = [];
  const worker = {
    onmessage: null as ((event: MessageEvent<WorkerMessage>) => void) | null,
    onerror: null as ((event: ErrorEvent) => void) | null,
    onmessageerror: null as (() => void) | null,
    postMessage: (request: WorkerRequest) => void requests.push(request),
    terminate: vi.fn(),
  };
  const send = (message: WorkerMessage) => worker.onmessage?.({ data: message } as MessageEvent<WorkerMessage>);
  return { worker, requests, send };
}

const parsed = (stage: 'light' | 'full'): ParseResult => ({
  text: 'hi',
  stage,
  intent: { name: 'greet', confidence: 0.9 },
  ranking: [],
  entities: [],
  timings: { featurizeMs: 0, modelMs: 0, decodeMs: 0, totalMs: 0 },
});

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('NLU client stages', () => {
  it('is ready with the light stage, then hears once that the full model is warm', async () => {
    const fake = fakeWorker();
    const client = createNluClient({ createWorker: () => fake.worker as unknown as Worker, botUrl: 'http://x/bot.json', runtimeUrl: 'http://x/ort/' });
    const heard: FullStageEvent[] = [];
    client.onFullStage((event) => heard.push(event));
    const loading = client.load();
    expect(fake.requests[0]).toMatchObject({ type: 'load', stages: 'both' });
    fake.send({ id: fake.requests[0]!.id, ok: true, type: 'load', info: { stage: 'light', loadMs: 3, fullModel: 'loading' } });
    await expect(loading).resolves.toMatchObject({ stage: 'light' });
    expect(client.stage).toBe('light');
    expect(heard).toEqual([]);

    fake.send({ type: 'full-ready', info: FULL });
    expect(client.stage).toBe('full');
    expect(heard).toEqual([{ ok: true, info: FULL }]);
    // A listener that comes late hears the outcome at once.
    const late: FullStageEvent[] = [];
    client.onFullStage((event) => late.push(event));
    expect(late).toEqual([{ ok: true, info: FULL }]);
  });

  it('keeps answering with the light stage when the full model fails, and says why', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const fake = fakeWorker();
    const client = createNluClient({ createWorker: () => fake.worker as unknown as Worker, botUrl: 'http://x/bot.json', runtimeUrl: 'http://x/ort/' });
    const heard: FullStageEvent[] = [];
    client.onFullStage((event) => heard.push(event));
    const loading = client.load();
    fake.send({ id: fake.requests[0]!.id, ok: true, type: 'load', info: { stage: 'light', loadMs: 3, fullModel: 'loading' } });
    await loading;
    fake.send({ type: 'full-failed', error: { code: 'model-fetch-failed', message: 'GET model.onnx answered 404' } });
    expect(heard[0]).toMatchObject({ ok: false, error: { code: 'model-fetch-failed' } });
    expect(warn.mock.calls[0]![0]).toContain('the light stage goes on answering: GET model.onnx answered 404');
    expect(client.state).toBe('ready');
    expect(client.stage).toBe('light');

    vi.stubGlobal('navigator', { language: 'en' });
    const parsing = client.parse('hi');
    await flush();
    const request = fake.requests.at(-1)!;
    expect(request.type).toBe('parse');
    fake.send({ id: request.id, ok: true, type: 'parse', result: parsed('light') });
    await expect(parsing).resolves.toMatchObject({ stage: 'light' });
    warn.mockRestore();
    vi.unstubAllGlobals();
  });

  it('a full-only load settles the full stage with its load answer', async () => {
    const fake = fakeWorker();
    const client = createNluClient({ createWorker: () => fake.worker as unknown as Worker, botUrl: 'http://x/bot.json', runtimeUrl: 'http://x/ort/', stages: 'full' });
    const heard: FullStageEvent[] = [];
    client.onFullStage((event) => heard.push(event));
    const loading = client.load();
    expect(fake.requests[0]).toMatchObject({ stages: 'full' });
    fake.send({ id: fake.requests[0]!.id, ok: true, type: 'load', info: FULL });
    await loading;
    expect(client.stage).toBe('full');
    expect(heard).toEqual([{ ok: true, info: FULL }]);
  });

  it('a worker crash after the light stage tells the full-stage listeners too', async () => {
    const fake = fakeWorker();
    const client = createNluClient({ createWorker: () => fake.worker as unknown as Worker, botUrl: 'http://x/bot.json', runtimeUrl: 'http://x/ort/' });
    const heard: FullStageEvent[] = [];
    client.onFullStage((event) => heard.push(event));
    const loading = client.load();
    fake.send({ id: fake.requests[0]!.id, ok: true, type: 'load', info: { stage: 'light', loadMs: 3, fullModel: 'loading' } });
    await loading;
    fake.worker.onerror?.({ message: 'out of memory', preventDefault: () => undefined } as ErrorEvent);
    expect(heard[0]).toMatchObject({ ok: false, error: { code: 'worker-crashed' } });
    expect(client.state).toBe('failed');
    expect(client.stage).toBe('none');
  });
});
