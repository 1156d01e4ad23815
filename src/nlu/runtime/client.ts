/**
 * The main thread's side of the NLU worker: request ids, timeouts, which stage can answer, and a clear
 * error when the worker or the model fails (the conversation then falls back to buttons-only mode).
 */
import type { ParseResult, Stage } from '../parse';
import type { Backend, LoadInfo, NluErrorCode, StageInfo, Stages, WorkerMessage, WorkerRequest, WorkerResponse } from './protocol';

export type NluState = 'idle' | 'loading' | 'ready' | 'failed';

/** The full model after the light stage answered: warm, or failed (the light stage goes on answering). */
export type FullStageEvent = { ok: true; info: LoadInfo } | { ok: false; error: NluClientError };

export interface NluClientOptions {
  /** Creates the worker (injected: the widget points it at parley-nlu-worker.js, tests at a fake). */
  createWorker: () => Worker;
  botUrl: string;
  runtimeUrl: string;
  backend?: Backend;
  /** What to load (default 'both': the light stage first, then the full model); see stage-policy.ts. */
  stages?: Stages;
  loadTimeoutMs?: number;
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
    readonly code: NluErrorCode | 'timeout' | 'worker-crashed',
    message: string,
  ) {
    super(message);
    this.name = 'NluClientError';
  }
}

interface Pending {
  resolve: (response: WorkerResponse) => void;
  reject: (error: NluClientError) => void;
  timer: ReturnType<typeof setTimeout>;
}

export function createNluClient(options: NluClientOptions): NluClient {
  let worker: Worker | null = null;
  let state: NluState = 'idle';
  let stage: Stage | 'none' = 'none';
  let loading: Promise<StageInfo> | null = null;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const fullListeners = new Set<(event: FullStageEvent) => void>();
  let fullOutcome: FullStageEvent | null = null;

  function settleFull(event: FullStageEvent) {
    if (fullOutcome) return;
    fullOutcome = event;
    if (event.ok) stage = 'full';
    for (const listener of fullListeners) listener(event);
  }

  function failAll(error: NluClientError) {
    state = 'failed';
    stage = 'none';
    if (!fullOutcome && loading) settleFull({ ok: false, error });
    for (const entry of pending.values()) {
      clearTimeout(entry.timer);
      entry.reject(error);
    }
    pending.clear();
    worker?.terminate();
    worker = null;
  }

  function ensureWorker(): Worker {
    if (worker) return worker;
    const created = options.createWorker();
    created.onmessage = (event: MessageEvent<WorkerMessage>) => {
      const message = event.data;
      if (!('id' in message)) {
        if (message.type === 'full-ready') settleFull({ ok: true, info: message.info });
        else {
          console.warn(`[parley] The full language model could not load; the light stage goes on answering: ${message.error.message}`);
          settleFull({ ok: false, error: new NluClientError(message.error.code, message.error.message) });
        }
        return;
      }
      const entry = pending.get(message.id);
      if (!entry) return;
      pending.delete(message.id);
      clearTimeout(entry.timer);
      entry.resolve(message);
    };
    created.onerror = (event) => {
      event.preventDefault?.();
      failAll(new NluClientError('worker-crashed', `the language worker stopped: ${event.message || 'it could not start'}`));
    };
    created.onmessageerror = () => failAll(new NluClientError('worker-crashed', 'the language worker sent a message that could not be read'));
    worker = created;
    return created;
  }

  type RequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

  function request(body: RequestBody, timeoutMs: number): Promise<WorkerResponse> {
    if (state === 'failed') return Promise.reject(new NluClientError('worker-crashed', 'the language worker is not available'));
    const target = ensureWorker();
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new NluClientError('timeout', `the language worker did not answer "${body.type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer });
      target.postMessage({ ...body, id } as WorkerRequest);
    });
  }

  function expectOk<T extends 'load' | 'parse'>(response: WorkerResponse, type: T): Extract<WorkerResponse, { ok: true; type: T }> {
    if (!response.ok) throw new NluClientError(response.error.code, response.error.message);
    if (response.type !== type) throw new NluClientError('parse-failed', `expected a ${type} answer, got ${response.type}`);
    return response as Extract<WorkerResponse, { ok: true; type: T }>;
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
      loading ??= (async () => {
        state = 'loading';
        try {
          const stages = options.stages ?? 'both';
          const response = expectOk(
            await request({ type: 'load', botUrl: options.botUrl, runtimeUrl: options.runtimeUrl, backend: options.backend ?? 'auto', stages }, options.loadTimeoutMs ?? 30_000),
            'load',
          );
          state = 'ready';
          const info = response.info;
          if (info.stage === 'full') settleFull({ ok: true, info });
          else stage = 'light';
          return info;
        } catch (error) {
          const failure = error instanceof NluClientError ? error : new NluClientError('runtime-failed', String(error));
          failAll(failure);
          throw failure;
        }
      })();
      return loading;
    },
    async parse(text) {
      await this.load();
      const response = expectOk(
        await request(
          { type: 'parse', text, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, locale: navigator.language || 'en', now: Date.now() },
          options.parseTimeoutMs ?? 5_000,
        ),
        'parse',
      );
      return response.result;
    },
    dispose() {
      failAll(new NluClientError('worker-crashed', 'the conversation was closed'));
    },
  };
}
