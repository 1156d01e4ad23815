/**
 * The main thread's side of the NLU worker: request ids, timeouts, and a clear error when the worker
 * or the model fails (the conversation then falls back to buttons-only mode).
 */
import type { ParseResult } from './parse';
import type { Backend, LoadInfo, NluErrorCode, WorkerRequest, WorkerResponse } from './protocol';

export type NluState = 'idle' | 'loading' | 'ready' | 'failed';

export interface NluClientOptions {
  /** Creates the worker (injected: the widget points it at parley-nlu-worker.js, tests at a fake). */
  createWorker: () => Worker;
  botUrl: string;
  runtimeUrl: string;
  backend?: Backend;
  loadTimeoutMs?: number;
  parseTimeoutMs?: number;
}

export interface NluClient {
  readonly state: NluState;
  /** Starts loading (once); resolves when the model is warm, rejects with an NluClientError. */
  load(): Promise<LoadInfo>;
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
  let loading: Promise<LoadInfo> | null = null;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  function failAll(error: NluClientError) {
    state = 'failed';
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
    created.onmessage = (event: MessageEvent<WorkerResponse>) => {
      const entry = pending.get(event.data.id);
      if (!entry) return;
      pending.delete(event.data.id);
      clearTimeout(entry.timer);
      entry.resolve(event.data);
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
    load() {
      loading ??= (async () => {
        state = 'loading';
        try {
          const response = expectOk(
            await request({ type: 'load', botUrl: options.botUrl, runtimeUrl: options.runtimeUrl, backend: options.backend ?? 'auto' }, options.loadTimeoutMs ?? 30_000),
            'load',
          );
          state = 'ready';
          return response.info;
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
