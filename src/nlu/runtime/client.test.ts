import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ParseResult } from '../parse';
import { createNluClient, type FullStageEvent } from './client';
import type { LoadInfo, WorkerRequest, WorkerResponse } from './protocol';

/** A worker's answer without its id (the fake adds the id of the request it answers). */
type Reply = WorkerResponse extends infer R ? (R extends WorkerResponse ? Omit<R, 'id'> : never) : never;

const FULL: LoadInfo = { stage: 'full', backend: 'wasm', backendReason: 'test', modelBytes: 10, fromCache: false, loadMs: 5, warmupMs: 1 };

/** Worker stand-ins: each records its requests; the test answers them or makes it crash. */
function fakeWorkers() {
  const workers: Array<ReturnType<typeof fakeWorker>> = [];
  function fakeWorker() {
    const requests: WorkerRequest[] = [];
    const worker = {
      onmessage: null as ((event: MessageEvent<WorkerResponse>) => void) | null,
      onerror: null as ((event: ErrorEvent) => void) | null,
      onmessageerror: null as (() => void) | null,
      postMessage: (request: WorkerRequest) => void requests.push(request),
      terminate: vi.fn(),
    };
    const answer = (response: Reply, index = requests.length - 1) => worker.onmessage?.({ data: { ...response, id: requests[index]!.id } as WorkerResponse } as MessageEvent<WorkerResponse>);
    const crash = (message: string) => worker.onerror?.({ message, preventDefault: () => undefined } as ErrorEvent);
    return { worker, requests, answer, crash };
  }
  const create = () => {
    const made = fakeWorker();
    workers.push(made);
    return made.worker as unknown as Worker;
  };
  return { workers, create };
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

function setUp(stages?: 'both' | 'light' | 'full') {
  const fake = fakeWorkers();
  const client = createNluClient({ createWorker: fake.create, botUrl: 'http://x/bot.json', runtimeUrl: 'http://x/ort/', ...(stages && { stages }) });
  const heard: FullStageEvent[] = [];
  client.onFullStage((event) => heard.push(event));
  return { fake, client, heard };
}

describe('NLU client: a worker per stage', () => {
  beforeEach(() => void vi.stubGlobal('navigator', { language: 'en' }));
  afterEach(() => void vi.unstubAllGlobals());

  it('answers with the light worker, loads the transformer in a second one, then hands over and lets the first go', async () => {
    const { fake, client, heard } = setUp();
    const loading = client.load();
    expect(fake.workers).toHaveLength(1);
    expect(fake.workers[0]!.requests[0]).toMatchObject({ type: 'load', stage: 'light', fullIfNoLight: true });
    fake.workers[0]!.answer({ ok: true, type: 'load', info: { stage: 'light', loadMs: 3 } });
    await expect(loading).resolves.toEqual({ stage: 'light', loadMs: 3 });
    expect(client.stage).toBe('light');
    // The transformer loads in a worker of its own, started after the light stage is ready.
    expect(fake.workers).toHaveLength(2);
    expect(fake.workers[1]!.requests[0]).toMatchObject({ type: 'load', stage: 'full' });

    // A message while it loads goes to the light worker, and is answered there.
    const first = client.parse('hi');
    await flush();
    expect(fake.workers[0]!.requests.at(-1)!.type).toBe('parse');
    expect(fake.workers[1]!.requests).toHaveLength(1);
    fake.workers[0]!.answer({ ok: true, type: 'parse', result: parsed('light') });
    await expect(first).resolves.toMatchObject({ stage: 'light' });

    fake.workers[1]!.answer({ ok: true, type: 'load', info: FULL }, 0);
    await flush();
    expect(client.stage).toBe('full');
    expect(heard).toEqual([{ ok: true, info: FULL }]);
    expect(fake.workers[0]!.worker.terminate).toHaveBeenCalled();
    const second = client.parse('hi again');
    await flush();
    expect(fake.workers[1]!.requests.at(-1)!.type).toBe('parse');
    fake.workers[1]!.answer({ ok: true, type: 'parse', result: parsed('full') });
    await expect(second).resolves.toMatchObject({ stage: 'full' });
    // A listener that comes late hears the outcome at once.
    const late: FullStageEvent[] = [];
    client.onFullStage((event) => late.push(event));
    expect(late).toEqual([{ ok: true, info: FULL }]);
  });

  it('a parse in flight on the light worker when the transformer is ready is still answered, then the light worker goes', async () => {
    const { fake, client } = setUp();
    const loading = client.load();
    fake.workers[0]!.answer({ ok: true, type: 'load', info: { stage: 'light', loadMs: 3 } });
    await loading;
    const inFlight = client.parse('hi');
    await flush();
    fake.workers[1]!.answer({ ok: true, type: 'load', info: FULL }, 0);
    await flush();
    expect(client.stage).toBe('full');
    expect(fake.workers[0]!.worker.terminate).not.toHaveBeenCalled();
    fake.workers[0]!.answer({ ok: true, type: 'parse', result: parsed('light') });
    await expect(inFlight).resolves.toMatchObject({ stage: 'light' });
    expect(fake.workers[0]!.worker.terminate).toHaveBeenCalled();
    expect(fake.workers[1]!.worker.terminate).not.toHaveBeenCalled();
  });

  it('keeps answering with the light stage when the transformer fails or its worker crashes, and says why', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    for (const failure of ['error', 'crash'] as const) {
      warn.mockClear();
      const { fake, client, heard } = setUp();
      const loading = client.load();
      fake.workers[0]!.answer({ ok: true, type: 'load', info: { stage: 'light', loadMs: 3 } });
      await loading;
      if (failure === 'error') fake.workers[1]!.answer({ ok: false, error: { code: 'model-fetch-failed', message: 'GET model.onnx answered 404' } }, 0);
      else fake.workers[1]!.crash('out of memory');
      await flush();
      expect(heard[0]).toMatchObject({ ok: false, error: { code: failure === 'error' ? 'model-fetch-failed' : 'worker-crashed' } });
      expect(warn.mock.calls[0]![0]).toContain('the light stage goes on answering: ');
      expect(warn.mock.calls[0]![0]).toContain(failure === 'error' ? 'GET model.onnx answered 404' : 'out of memory');
      expect(fake.workers[1]!.worker.terminate).toHaveBeenCalled();
      expect(client.state).toBe('ready');
      expect(client.stage).toBe('light');
      const parsing = client.parse('hi');
      await flush();
      fake.workers[0]!.answer({ ok: true, type: 'parse', result: parsed('light') });
      await expect(parsing).resolves.toMatchObject({ stage: 'light' });
    }
    warn.mockRestore();
  });

  it('a crash of the light worker while the transformer loads ends understanding (buttons only), and tells the listeners', async () => {
    const { fake, client, heard } = setUp();
    const loading = client.load();
    fake.workers[0]!.answer({ ok: true, type: 'load', info: { stage: 'light', loadMs: 3 } });
    await loading;
    fake.workers[0]!.crash('out of memory');
    expect(client.state).toBe('failed');
    expect(client.stage).toBe('none');
    expect(heard[0]).toMatchObject({ ok: false, error: { code: 'worker-crashed' } });
    expect(fake.workers[1]!.worker.terminate).toHaveBeenCalled();
    await expect(client.parse('hi')).rejects.toMatchObject({ code: 'worker-crashed' });
  });

  it("an older bundle without the light stage: the first worker loads the transformer, and there is no second", async () => {
    const { fake, client, heard } = setUp();
    const loading = client.load();
    fake.workers[0]!.answer({ ok: true, type: 'load', info: FULL });
    await expect(loading).resolves.toEqual(FULL);
    expect(client.stage).toBe('full');
    expect(heard).toEqual([{ ok: true, info: FULL }]);
    expect(fake.workers).toHaveLength(1);
  });

  it("nlu 'full' loads only the transformer; nlu 'light' only the light stage, and never a second worker", async () => {
    const full = setUp('full');
    const loadingFull = full.client.load();
    expect(full.fake.workers[0]!.requests[0]).toMatchObject({ stage: 'full' });
    expect(full.fake.workers[0]!.requests[0]).not.toHaveProperty('fullIfNoLight');
    full.fake.workers[0]!.answer({ ok: true, type: 'load', info: FULL });
    await loadingFull;
    expect(full.client.stage).toBe('full');

    const light = setUp('light');
    const loadingLight = light.client.load();
    expect(light.fake.workers[0]!.requests[0]).toMatchObject({ stage: 'light' });
    light.fake.workers[0]!.answer({ ok: true, type: 'load', info: { stage: 'light', loadMs: 1 } });
    await loadingLight;
    expect(light.client.stage).toBe('light');
    expect(light.fake.workers).toHaveLength(1);
    expect(light.heard).toEqual([]);
  });
});
