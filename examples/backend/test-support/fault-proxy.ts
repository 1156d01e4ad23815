/**
 * A proxy on loopback in front of the example backend that injects faults: 500s, timeouts (the backend
 * writes, the answer comes too late), slow answers, connections dropped before or after the backend
 * wrote, malformed JSON, 429 with Retry-After, the same request delivered twice, and answers held until
 * the page goes away. Each run gets its own path and a fresh backend (its own database), so no run sees
 * another's refunds, and a late request from an earlier run is still told apart.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createExampleBackend } from '../backend';
import { recordingHandler, type Ledger } from './ledger';

/** The faults a single request can meet. */
export const FAULTS = ['500', 'timeout', 'slow', 'drop-before', 'drop-after', 'malformed', '429', 'duplicate'] as const;
/** `hold`: the backend executes, and the answer is kept until the page gives up or goes away; `pass`: no fault. */
export type Fault = (typeof FAULTS)[number] | 'hold' | 'pass';

export interface Arrival {
  requestId: string;
  sessionId: string;
  action: string;
  /** The fault this request met. */
  fault: Fault;
  /** Arrived after its run was over. */
  late: boolean;
}

export interface ProxyRun {
  readonly url: string;
  readonly ledger: Ledger;
  readonly arrivals: readonly Arrival[];
  /** Faults for the next requests to arrive, one each, in order; once empty, requests pass. */
  readonly schedule: Fault[];
  /** Told of each request as it arrives, before its fault is applied (a test may take the network down). */
  onArrival: ((arrival: Arrival) => void) | null;
  /** Requests of this run the proxy is still handling. */
  busy(): number;
  /** Ends the run: held answers are cut off, then the backend's database is closed. */
  close(): Promise<void>;
}

export interface FaultProxy {
  newRun(options?: { schedule?: readonly Fault[]; slowMs?: number }): Promise<ProxyRun>;
  close(): Promise<void>;
}

interface RunState {
  run: ProxyRun;
  arrivals: Arrival[];
  handler: (request: Request) => Promise<Response>;
  slowMs: number;
  closed: boolean;
  /** Responses still open, cut when the run ends. */
  open: Set<ServerResponse>;
  /** Requests still being handled (possibly inside the backend). */
  active: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return body;
}

function field(body: string, name: string): string {
  try {
    const value = (JSON.parse(body) as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : '';
  } catch {
    return '';
  }
}

/**
 * `lateAnswerMs`: how long a `timeout` answer is held at most (longer than any client's timeout);
 * `slowMs`: the delay of a `slow` answer (shorter than the client's timeout).
 */
export async function startFaultProxy(options: { lateAnswerMs: number; slowMs: number }): Promise<FaultProxy> {
  const runs = new Map<string, RunState>();
  let nextRun = 0;

  async function handle(state: RunState, req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Registered before any await: a client that gives up early must not be missed.
    const gone = new Promise<void>((resolve) => res.once('close', () => resolve()));
    const body = await readBody(req);
    const key = String(req.headers['idempotency-key'] ?? '');
    const arrival: Arrival = { requestId: key, sessionId: field(body, 'sessionId'), action: field(body, 'action'), fault: 'pass', late: state.closed };
    state.arrivals.push(arrival);
    if (state.closed) {
      res.writeHead(503, { 'Content-Type': 'application/json' });
      return void res.end(JSON.stringify({ status: 'error', message: 'this run is over' }));
    }
    state.run.onArrival?.(arrival);
    const fault = state.run.schedule.shift() ?? 'pass';
    arrival.fault = fault;

    const forward = async (): Promise<{ status: number; text: string; headers: Record<string, string> }> => {
      if (state.closed) throw new Error('the run is over');
      const response = await state.handler(
        new Request('http://backend.test/api/fulfillment', { method: 'POST', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key }, body }),
      );
      const replayed = response.headers.get('Idempotent-Replayed');
      return { status: response.status, text: await response.text(), headers: replayed ? { 'Idempotent-Replayed': replayed } : {} };
    };
    const send = (status: number, text: string, headers: Record<string, string> = {}) => {
      if (res.destroyed || res.writableEnded) return;
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(text);
    };
    const cut = () => void req.socket.destroy();

    switch (fault) {
      case '500':
        return send(500, JSON.stringify({ status: 'error', message: 'internal error' }));
      case '429':
        return send(429, JSON.stringify({ status: 'error', message: 'slow down' }), { 'Retry-After': '0.02' });
      case 'drop-before':
        return cut();
      case 'drop-after':
        await forward();
        return cut();
      case 'timeout': {
        const answer = await forward();
        // Answered only once the client has given up (or very late): the write happened, the answer is lost.
        await Promise.race([gone, sleep(options.lateAnswerMs)]);
        return send(answer.status, answer.text, answer.headers);
      }
      case 'hold':
        await forward();
        await gone;
        return;
      case 'slow': {
        await sleep(state.slowMs);
        const answer = await forward();
        return send(answer.status, answer.text, answer.headers);
      }
      case 'malformed':
        await forward();
        return send(200, '{"status": "ok", "slots": {');
      case 'duplicate': {
        const [first] = await Promise.all([forward(), forward()]);
        return send(first.status, first.text, first.headers);
      }
      default: {
        const answer = await forward();
        return send(answer.status, answer.text, answer.headers);
      }
    }
  }

  const server: Server = createServer((req, res) => {
    const id = /^\/run\/(\d+)$/.exec(req.url ?? '')?.[1];
    const state = id === undefined ? undefined : runs.get(id);
    if (!state) {
      res.statusCode = 404;
      return void res.end();
    }
    state.open.add(res);
    state.active++;
    res.once('close', () => state.open.delete(res));
    void handle(state, req, res)
      .catch(() => req.socket.destroy())
      .finally(() => state.active--);
  });
  const base = await new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));

  return {
    async newRun(runOptions = {}) {
      const backend = await createExampleBackend({ log: () => {} });
      const { handler, ledger } = recordingHandler(backend.handler);
      const id = String(nextRun++);
      const arrivals: Arrival[] = [];
      const run: ProxyRun = {
        url: `${base}/run/${id}`,
        ledger,
        arrivals,
        schedule: [...(runOptions.schedule ?? [])],
        onArrival: null,
        busy: () => state.active,
        async close() {
          if (state.closed) return;
          state.closed = true;
          for (const res of state.open) res.socket?.destroy();
          // A handler still inside the backend finishes before its database goes.
          while (state.active > 0) await sleep(1);
          backend.db.close();
        },
      };
      const state: RunState = { run, arrivals, handler, slowMs: runOptions.slowMs ?? options.slowMs, closed: false, open: new Set(), active: 0 };
      runs.set(id, state);
      return run;
    },
    async close() {
      for (const state of runs.values()) await state.run.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
