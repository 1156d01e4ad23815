import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { trainDefaults } from '../../train/defaults';
import { trainLightStage } from '../../train/light-stage';
import { toySupportExamples } from '../../train/testing/toy-data';
import { createFeaturizer } from '../featurize';
import { MAX_PARSE_CHARS, type ParseResult } from '../parse';
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

describe('NLU client: faults reach the caller at once, with a reason', () => {
  beforeEach(() => void vi.stubGlobal('navigator', { language: 'en' }));
  afterEach(() => void vi.unstubAllGlobals());

  /** Parses that wait a minute: a rejection seen within the test's few seconds cannot be the timeout. */
  function patient(stages?: 'both' | 'light' | 'full') {
    const fake = fakeWorkers();
    const client = createNluClient({ createWorker: fake.create, botUrl: 'http://x/bot.json', runtimeUrl: 'http://x/ort/', parseTimeoutMs: 60_000, ...(stages && { stages }) });
    return { fake, client };
  }

  async function lightReady(stages?: 'both' | 'light') {
    const setup = patient(stages);
    const loading = setup.client.load();
    setup.fake.workers[0]!.answer({ ok: true, type: 'load', info: { stage: 'light', loadMs: 3 } });
    await loading;
    return setup;
  }

  it('a worker that crashes mid-parse rejects the parses waiting for it at once', async () => {
    const { fake, client } = await lightReady('light');
    const waiting = [client.parse('hi'), client.parse('where is my order')];
    await flush();
    fake.workers[0]!.crash('out of memory');
    for (const parse of waiting) await expect(parse).rejects.toMatchObject({ code: 'worker-crashed', message: expect.stringContaining('out of memory') });
    expect(client.state).toBe('failed');
  });

  it('a worker whose answer cannot be read rejects the parse waiting for it at once', async () => {
    const { fake, client } = await lightReady('light');
    const parsing = client.parse('hi');
    await flush();
    fake.workers[0]!.worker.onmessageerror?.();
    await expect(parsing).rejects.toMatchObject({ code: 'worker-crashed', message: expect.stringContaining('could not be read') });
  });

  it('the transformer crashing after it took over rejects its parses at once, and understanding ends without a worker that never loaded', async () => {
    const { fake, client } = await lightReady();
    fake.workers[1]!.answer({ ok: true, type: 'load', info: FULL }, 0);
    await flush();
    expect(client.stage).toBe('full');
    const parsing = client.parse('hi');
    await flush();
    fake.workers[1]!.crash('out of memory');
    await expect(parsing).rejects.toMatchObject({ code: 'worker-crashed', message: expect.stringContaining('out of memory') });
    expect(client.state).toBe('failed');
    expect(client.stage).toBe('none');
    // No stage can answer: the next message says why, rather than going to a fresh worker with no model.
    await expect(client.parse('hello?')).rejects.toMatchObject({ code: 'worker-crashed', message: expect.stringContaining('out of memory') });
    await expect(client.load()).rejects.toMatchObject({ code: 'worker-crashed' });
    expect(fake.workers).toHaveLength(2);
  });

  it('a parse after dispose rejects saying so, and starts no worker', async () => {
    const loaded = await lightReady('light');
    loaded.client.dispose();
    await expect(loaded.client.parse('hi')).rejects.toMatchObject({ code: 'disposed', message: expect.stringContaining('closed') });
    expect(loaded.fake.workers).toHaveLength(1);

    const never = patient();
    never.client.dispose();
    await expect(never.client.parse('hi')).rejects.toMatchObject({ code: 'disposed' });
    await expect(never.client.load()).rejects.toMatchObject({ code: 'disposed' });
    expect(never.fake.workers).toHaveLength(0);
    expect(never.client.state).toBe('failed');
  });

  it('dispose rejects a parse in flight at once, and a load in flight', async () => {
    const { fake, client } = await lightReady();
    const parsing = client.parse('hi');
    await flush();
    client.dispose();
    await expect(parsing).rejects.toMatchObject({ code: 'disposed' });
    expect(fake.workers[0]!.worker.terminate).toHaveBeenCalled();
    expect(fake.workers[1]!.worker.terminate).toHaveBeenCalled();

    const early = patient();
    const loading = early.client.load();
    early.client.dispose();
    await expect(loading).rejects.toMatchObject({ code: 'disposed' });
  });
});

/**
 * worker.ts itself, started in this process as a Worker would be: a module instance of its own (its
 * stage is module state), requests and answers cloned across, a turn of the event loop each way.
 */
async function inProcessWorker(): Promise<Worker> {
  vi.resetModules();
  const scope: { onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null; postMessage(response: WorkerResponse): void } = { onmessage: null, postMessage: () => undefined };
  vi.stubGlobal('self', scope);
  await import('./worker');
  const worker = {
    onmessage: null as ((event: MessageEvent<WorkerResponse>) => void) | null,
    onerror: null,
    onmessageerror: null,
    postMessage: (request: WorkerRequest) => void setTimeout(() => scope.onmessage?.({ data: structuredClone(request) } as MessageEvent<WorkerRequest>)),
    terminate: vi.fn(),
  };
  scope.postMessage = (response) => void setTimeout(() => worker.onmessage?.({ data: structuredClone(response) } as MessageEvent<WorkerResponse>));
  return worker as unknown as Worker;
}

const LABELS = ['hours', 'order_status', 'out_of_scope', 'refund'];
const OUT_OF_SCOPE_TEXTS = ['what is the weather', 'tell me a joke', 'who won the game', 'play some music', 'translate hello to french', 'how tall is everest'];

/** A bot.json with a small trained light stage, naming `model.onnx` with the release's hash. */
function botFile(modelSha256: string) {
  const featurizer = createFeaturizer({ ...trainDefaults.featurizer, vocabulary: ['<pad>', '<unk>'] });
  const outOfScope = OUT_OF_SCOPE_TEXTS.map((text) => ({ text, intent: 'out_of_scope', entities: [] }));
  const light = trainLightStage({ train: [...toySupportExamples(20), ...outOfScope, ...outOfScope], heldOut: [], watched: 0, labels: LABELS, outOfScope: 'out_of_scope', featurizer, seed: 1 }).bundle;
  const { vocabulary: _vocabulary, keptRows: _kept, ...config } = featurizer.config;
  const nlu = {
    format: 4,
    model: { file: 'model.onnx', bytes: 16, sha256: modelSha256, quantized: true },
    config: { ...config, vocabSize: 2, pretrainedDim: 1, width: 4, layers: 1, heads: 1, ffnWidth: 4, intents: LABELS.length, tags: 1 },
    featurizer: featurizer.config,
    labels: LABELS,
    tags: ['O'],
    transitions: null,
    temperature: 1,
    threshold: 0.3,
    outOfScopeLabel: 'out_of_scope',
    light,
  };
  return JSON.stringify({ nlu });
}

describe('NLU client with the worker itself', () => {
  const RELEASED_MODEL = new TextEncoder().encode('the model of this release');
  const RELEASED_SHA = createHash('sha256').update(RELEASED_MODEL).digest('hex');
  const PROXY_PAGE = new TextEncoder().encode('<html>Blocked by the company proxy</html>');
  const PROXY_SHA = createHash('sha256').update(PROXY_PAGE).digest('hex');
  let bot: string;
  /** What the network gives for model.onnx: a proxy's page instead of the model, unless a test says otherwise. */
  let model: () => Promise<Response>;

  beforeEach(() => {
    bot ??= botFile(RELEASED_SHA);
    model = async () => new Response(PROXY_PAGE.slice());
    vi.stubGlobal('navigator', { language: 'en' });
    vi.stubGlobal('fetch', async (url: string) => {
      if (url === 'http://x/bot.json') return new Response(bot, { headers: { 'Content-Type': 'application/json' } });
      if (url === 'http://x/model.onnx') return model();
      return new Response('not found', { status: 404 });
    });
  });
  afterEach(() => void vi.unstubAllGlobals());

  async function clientOf(stages: 'both' | 'light' | 'full', workers: number) {
    // One after another: each module instance must see its own `self` while it is evaluated.
    const started: Worker[] = [];
    for (let i = 0; i < workers; i++) started.push(await inProcessWorker());
    const created: Worker[] = [];
    const client = createNluClient({
      createWorker: () => {
        const next = started[created.length];
        if (!next) throw new Error('the test started too few workers');
        created.push(next);
        return next;
      },
      botUrl: 'http://x/bot.json',
      runtimeUrl: 'http://x/ort/',
      stages,
    });
    const heard: FullStageEvent[] = [];
    client.onFullStage((event) => heard.push(event));
    return { client, heard, created };
  }

  it("nlu 'full' with a model that does not match bot.json: load rejects naming the file, both hashes and the fix", async () => {
    const { client, heard } = await clientOf('full', 1);
    const failure = await client.load().catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'NluClientError', code: 'model-corrupt' });
    const { message } = failure as Error;
    expect(message).toContain('http://x/model.onnx');
    expect(message).toContain(PROXY_SHA.slice(0, 12));
    expect(message).toContain(RELEASED_SHA.slice(0, 12));
    expect(message).toContain('rebuild the bundle with parley train and deploy both files');
    expect(client.state).toBe('failed');
    expect(heard).toMatchObject([{ ok: false, error: { code: 'model-corrupt' } }]);
    await expect(client.parse('hi')).rejects.toMatchObject({ code: 'model-corrupt' });
  });

  it("nlu 'full' when the model cannot be downloaded: load rejects naming the file", async () => {
    model = () => Promise.reject(new TypeError('Failed to fetch'));
    const { client } = await clientOf('full', 1);
    await expect(client.load()).rejects.toMatchObject({ code: 'model-fetch-failed', message: 'GET http://x/model.onnx failed: TypeError: Failed to fetch' });
  });

  it('with both stages, a model that does not match bot.json is refused with the reason, and the light stage goes on answering', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { client, heard } = await clientOf('both', 2);
    await expect(client.load()).resolves.toMatchObject({ stage: 'light' });
    await vi.waitFor(() => expect(heard).toHaveLength(1));
    expect(heard[0]).toMatchObject({ ok: false, error: { code: 'model-corrupt', message: expect.stringContaining(PROXY_SHA.slice(0, 12)) } });
    expect(warn.mock.calls[0]![0]).toContain('the light stage goes on answering');
    expect(client.state).toBe('ready');
    expect(client.stage).toBe('light');
    await expect(client.parse('where is my order A12345')).resolves.toMatchObject({ stage: 'light', intent: { name: 'order_status' } });
    warn.mockRestore();
  });

  it("a message far over the NLU's limit: the worker reads its first characters and answers", async () => {
    const { client } = await clientOf('light', 1);
    await client.load();
    const huge = 'where is my order A12345 '.repeat(50_000);
    const result = await client.parse(huge);
    expect(result.text).toBe(huge.slice(0, MAX_PARSE_CHARS));
    expect(result).toMatchObject({ stage: 'light', intent: { name: 'order_status' } });
  });
});
