/**
 * The main thread's side of the NLU workers: request ids, timeouts, which stage answers, and a clear
 * error when a worker or the model fails (the conversation then falls back to buttons-only mode).
 *
 * With both stages, the light stage and the transformer each get a worker of their own: loading
 * onnxruntime and warming the model keep a thread busy for seconds on a phone, and a message must not
 * queue behind that. The transformer's worker starts once the light stage has answered its warm-up;
 * from its own first warm answer on it answers every message, and the light worker is let go once its
 * last parse is answered. A transformer that cannot load leaves the light stage answering.
 */
import { defaults } from '../../defaults';
import type { ParseResult, Stage } from '../parse';
import type { Backend, LoadInfo, NluErrorCode, StageInfo, Stages, WorkerRequest, WorkerResponse } from './protocol';

export type NluState = 'idle' | 'loading' | 'ready' | 'failed';

/** The full model after the light stage answered: warm, or failed (the light stage goes on answering). */
export type FullStageEvent = { ok: true; info: LoadInfo } | { ok: false; error: NluClientError };

export interface NluClientOptions {
  /** Creates a worker (injected: the widget points it at parley-nlu-worker.js, tests at a fake). */
  createWorker: () => Worker;
  botUrl: string;
  runtimeUrl: string;
  backend?: Backend;
  /** What to load (default 'both': the light stage first, then the full model); see stage-policy.ts. */
  stages?: Stages;
  loadTimeoutMs?: number;
  fullLoadTimeoutMs?: number;
  parseTimeoutMs?: number;
}

export interface NluClient {
  readonly state: NluState;
  /** The stage that answers a parse sent now ('none' before the first is ready). */
  readonly stage: Stage | 'none';
  /**
   * Starts loading (once); resolves when a stage can answer (the light stage when the bundle has one,
   * else the warm full model), rejects with an NluClientError when none can.
   */
  load(): Promise<StageInfo>;
  /** Hears once whether the full model became warm (or failed) behind the light stage. */
  onFullStage(listener: (event: FullStageEvent) => void): () => void;
  parse(text: string): Promise<ParseResult>;
  dispose(): void;
}

export class NluClientError extends Error {
  constructor(
    readonly code: NluErrorCode | 'timeout' | 'worker-crashed' | 'disposed',
    message: string,
  ) {
    super(message);
    this.name = 'NluClientError';
  }
}

type RequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

/** One worker: its requests by id, their timeouts, and its end (a crash, or being let go). */
interface Channel {
  request(body: RequestBody, timeoutMs: number): Promise<WorkerResponse>;
  /** Terminates the worker once no request is waiting for it. */
  release(): void;
  /** Terminates it now; waiting requests, and any made later, reject with `error`. */
  close(error: NluClientError): void;
}

interface Pending {
  resolve: (response: WorkerResponse) => void;
  reject: (error: NluClientError) => void;
  timer: ReturnType<typeof setTimeout>;
}

function openChannel(createWorker: () => Worker, onCrash: (error: NluClientError) => void): Channel {
  let worker: Worker | null = null;
  let nextId = 1;
  let released = false;
  /** Why the channel ended: a closed channel never starts another worker (it would have no model). */
  let ended: NluClientError | null = null;
  const pending = new Map<number, Pending>();

  const close = (error: NluClientError) => {
    ended ??= error;
    for (const entry of pending.values()) {
      clearTimeout(entry.timer);
      entry.reject(error);
    }
    pending.clear();
    worker?.terminate();
    worker = null;
  };
  const crash = (error: NluClientError) => {
    if (!worker) return;
    close(error);
    onCrash(error);
  };
  const settled = (id: number) => {
    pending.delete(id);
    if (released && pending.size === 0) close(new NluClientError('worker-crashed', 'the worker was let go'));
  };

  function ensureWorker(): Worker {
    if (worker) return worker;
    const created = createWorker();
    created.onmessage = (event: MessageEvent<WorkerResponse>) => {
      const entry = pending.get(event.data.id);
      if (!entry) return;
      clearTimeout(entry.timer);
      settled(event.data.id);
      entry.resolve(event.data);
    };
    created.onerror = (event) => {
      event.preventDefault?.();
      crash(new NluClientError('worker-crashed', `the language worker stopped: ${event.message || 'it could not start'}`));
    };
    created.onmessageerror = () => crash(new NluClientError('worker-crashed', 'the language worker sent a message that could not be read'));
    worker = created;
    return created;
  }

  return {
    request(body, timeoutMs) {
      if (ended) return Promise.reject(ended);
      const target = ensureWorker();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          settled(id);
          reject(new NluClientError('timeout', `the language worker did not answer "${body.type}" within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve, reject, timer });
        target.postMessage({ ...body, id } as WorkerRequest);
      });
    },
    release() {
      released = true;
      if (pending.size === 0) close(new NluClientError('worker-crashed', 'the worker was let go'));
    },
    close,
  };
}

function expectOk<T extends 'load' | 'parse'>(response: WorkerResponse, type: T): Extract<WorkerResponse, { ok: true; type: T }> {
  if (!response.ok) throw new NluClientError(response.error.code, response.error.message);
  if (response.type !== type) throw new NluClientError('parse-failed', `expected a ${type} answer, got ${response.type}`);
  return response as Extract<WorkerResponse, { ok: true; type: T }>;
}

export function createNluClient(options: NluClientOptions): NluClient {
  let state: NluState = 'idle';
  let stage: Stage | 'none' = 'none';
  let loading: Promise<StageInfo> | null = null;
  /** The worker that answers parses now, and the transformer's while it loads behind the light one. */
  let answering: Channel | null = null;
  let behind: Channel | null = null;
  const fullListeners = new Set<(event: FullStageEvent) => void>();
  let fullOutcome: FullStageEvent | null = null;
  /** Why no stage can answer any more (a crash, a failed load, dispose): every later call says so. */
  let failure: NluClientError | null = null;

  function settleFull(event: FullStageEvent) {
    if (fullOutcome) return;
    fullOutcome = event;
    for (const listener of fullListeners) listener(event);
  }

  function failAll(error: NluClientError) {
    failure ??= error;
    state = 'failed';
    stage = 'none';
    answering?.close(error);
    behind?.close(error);
    answering = behind = null;
    if (loading) settleFull({ ok: false, error });
  }

  const loadBody = (which: 'light' | 'full', fullIfNoLight = false): RequestBody => ({
    type: 'load',
    botUrl: options.botUrl,
    runtimeUrl: options.runtimeUrl,
    backend: options.backend ?? 'auto',
    stage: which,
    ...(fullIfNoLight && { fullIfNoLight }),
  });

  /** The transformer in a worker of its own; the light stage answers until it is warm. */
  function loadFullBehind() {
    const channel = openChannel(options.createWorker, (error) => {
      // Once it answers, the light worker is gone: no stage is left (the conversation goes buttons-only).
      if (answering === channel) failAll(error);
      else fullFailed(channel, error);
    });
    behind = channel;
    channel.request(loadBody('full'), options.fullLoadTimeoutMs ?? defaults.nluFullLoadTimeoutMs).then(
      (response) => {
        if (behind !== channel) return;
        try {
          const { info } = expectOk(response, 'load');
          if (info.stage !== 'full') throw new NluClientError('runtime-failed', `the transformer's worker loaded the ${info.stage} stage`);
          const light = answering;
          answering = channel;
          behind = null;
          stage = 'full';
          light?.release();
          settleFull({ ok: true, info });
        } catch (error) {
          fullFailed(channel, error instanceof NluClientError ? error : new NluClientError('runtime-failed', String(error)));
        }
      },
      (error: unknown) => fullFailed(channel, error instanceof NluClientError ? error : new NluClientError('runtime-failed', String(error))),
    );
  }

  function fullFailed(channel: Channel, error: NluClientError) {
    if (behind !== channel) return;
    behind = null;
    channel.close(error);
    console.warn(`[parley] The full language model could not load; the light stage goes on answering: ${error.message}`);
    settleFull({ ok: false, error });
  }

  return {
    get state() {
      return state;
    },
    get stage() {
      return stage;
    },
    onFullStage(listener) {
      if (fullOutcome) listener(fullOutcome);
      else fullListeners.add(listener);
      return () => fullListeners.delete(listener);
    },
    load() {
      if (failure) return Promise.reject(failure);
      loading ??= (async () => {
        state = 'loading';
        const stages = options.stages ?? 'both';
        const first = stages === 'full' ? 'full' : 'light';
        const channel = openChannel(options.createWorker, (error) => {
          // The worker that answers is gone: no stage can answer (the transformer's may still be loading).
          if (answering === channel) failAll(error);
        });
        answering = channel;
        try {
          const { info } = expectOk(await channel.request(loadBody(first, stages === 'both'), options.loadTimeoutMs ?? defaults.nluLoadTimeoutMs), 'load');
          if (answering !== channel) throw failure ?? new NluClientError('disposed', 'the language model was closed with its conversation');
          state = 'ready';
          stage = info.stage;
          if (info.stage === 'full') settleFull({ ok: true, info });
          else if (stages === 'both') loadFullBehind();
          return info;
        } catch (error) {
          const reason = error instanceof NluClientError ? error : new NluClientError('runtime-failed', String(error));
          failAll(reason);
          throw reason;
        }
      })();
      return loading;
    },
    async parse(text) {
      await this.load();
      if (failure) throw failure;
      if (!answering) throw new NluClientError('worker-crashed', 'the language worker is not available');
      const response = expectOk(
        await answering.request(
          { type: 'parse', text, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, locale: navigator.language || 'en', now: Date.now() },
          options.parseTimeoutMs ?? defaults.nluParseTimeoutMs,
        ),
        'parse',
      );
      return response.result;
    },
    dispose() {
      // Said to a parse made afterwards too, rather than an earlier crash: this is why it cannot answer now.
      failure = new NluClientError('disposed', 'the language model was closed with its conversation');
      failAll(failure);
    },
  };
}
