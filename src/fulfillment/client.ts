/**
 * The widget's fulfillment client: the one backend call, made reliable. Each request gets one
 * idempotency key that every retry reuses, so the site can never do it twice. Network errors, 429
 * and 5xx are retried with exponential backoff and full jitter (honouring Retry-After); a circuit
 * breaker turns a dead backend into an immediate, honest answer; cacheable actions are answered from
 * a cache; a per-session rate limit stops runaway loops; offline requests wait for the connection.
 * Every failure becomes a result the engine can say ({reason}), and a log line that says why.
 */
import type { Fulfill, FulfillCall, FulfillmentResult } from '../conversation/dialogue-turn';
import { stableJson } from './stable-json';
import { FULFILLMENT_PROTOCOL, readFulfillmentResponse, type FulfillmentRequest } from './protocol';
import { isBlank, trimText } from '../text';

export { FULFILLMENT_PROTOCOL };
export const DEFAULT_TIMEOUT_MS = 8000;
/** A fulfillment answer is a few slots and messages; anything much larger is not read. */
export const MAX_RESPONSE_BYTES = 256 * 1024;

export interface Network {
  isOnline(): boolean;
  /** Resolves when the connection is back (stops listening once `signal` aborts). */
  onceOnline(signal?: AbortSignal): Promise<void>;
}

export interface FulfillmentClientOptions {
  fetch?: typeof fetch;
  /** Per attempt; default 8 s. */
  timeoutMs?: number;
  /** Per action, e.g. `{ create_refund: 15000 }`. */
  actionTimeoutsMs?: Record<string, number>;
  /** Retries after the first attempt (network errors, timeouts, 429, 5xx, "retry"); default 3. */
  retries?: number;
  backoff?: { baseMs: number; maxMs: number };
  /** A Retry-After longer than this is not waited for: the visitor gets an answer instead. */
  maxRetryAfterMs?: number;
  /** Actions whose answers may be reused for a while: action -> time to live in ms (a flow's `cache_seconds` wins). */
  cacheTtlMs?: Record<string, number>;
  /** At most `requests` calls per `perMs` for this visitor. */
  rateLimit?: { requests: number; perMs: number };
  /** Open after `failures` failed calls in a row; probe again after `openMs`. */
  breaker?: { failures: number; openMs: number };
  /** Larger answers are refused unread (default 256 KiB). */
  maxResponseBytes?: number;
  /** Headers from the host page, e.g. a session token (the widget holds no secrets). */
  headers?: (request: FulfillmentRequest) => Record<string, string> | Promise<Record<string, string>>;
  network?: Network;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  newId?: () => string;
  log?: (message: string, detail?: unknown) => void;
}

/** What the visitor is told ({reason} in the bot's failure responses). */
export const REASONS = {
  timeout: 'our service took too long to answer',
  unreachable: 'our service could not be reached',
  unavailable: 'our service is not answering at the moment',
  unreadable: 'our service sent an answer we could not read',
  rateLimited: 'that is a lot of requests at once, please wait a moment',
  rejected: 'our service could not take that request',
  cancelled: 'the request was cancelled',
} as const;

type Attempt =
  | { kind: 'done'; result: FulfillmentResult }
  /**
   * Worth another try; `waitMs` is the server's Retry-After when it gave one; `unknown`: the request
   * may have been carried out (no answer, or one that could not be read), as opposed to a refusal.
   */
  | { kind: 'retry'; reason: string; waitMs?: number; unknown: boolean };

/** The client, and what forget() must clear. */
export interface FulfillmentClient extends Fulfill {
  /** Drops every cached answer (they hold the visitor's slots). */
  clearCache(): void;
}

export function createFulfillmentClient(url: string, options: FulfillmentClientOptions = {}): FulfillmentClient {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const retries = options.retries ?? 3;
  const backoff = options.backoff ?? { baseMs: 400, maxMs: 8000 };
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const newId = options.newId ?? (() => globalThis.crypto?.randomUUID?.() ?? `${now().toString(36)}-${random().toString(36).slice(2)}`);
  const log = options.log ?? ((message: string, detail?: unknown) => console.error(`[parley] ${message}`, ...(detail === undefined ? [] : [detail])));
  const network = options.network ?? browserNetwork();
  const rateLimit = options.rateLimit ?? { requests: 20, perMs: 60_000 };
  const breakerOptions = options.breaker ?? { failures: 5, openMs: 30_000 };
  const maxResponseBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;

  const cache = new Map<string, { until: number; result: FulfillmentResult }>();
  const sent: number[] = [];
  const breaker = { failures: 0, openUntil: 0, probing: false };

  async function attempt(request: FulfillmentRequest, signal: AbortSignal | undefined, remainingMs: number): Promise<Attempt> {
    const timeoutMs = Math.max(1, Math.min(options.actionTimeoutsMs?.[request.action] ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS, remainingMs));
    let response: Response;
    const aborting = abortAfter(timeoutMs, signal);
    try {
      const extra = options.headers ? await options.headers(request) : {};
      response = await fetchImpl(url, {
        method: 'POST',
        headers: { ...extra, 'Content-Type': 'application/json', 'Idempotency-Key': request.requestId },
        body: JSON.stringify(request),
        signal: aborting.signal,
        credentials: 'same-origin',
        // The page's headers (a session token) must not follow a redirect to another address.
        redirect: 'error',
      });
    } catch (error) {
      aborting.done();
      if (signal?.aborted) return { kind: 'done', result: { ok: false, message: REASONS.cancelled, cancelled: true, uncertain: true } };
      const timedOut = error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError');
      log(`fulfillment "${request.action}" ${timedOut ? `timed out after ${timeoutMs} ms` : 'could not reach the server (or it redirected, which is not followed)'} (request ${request.requestId})`, error);
      return { kind: 'retry', reason: timedOut ? REASONS.timeout : REASONS.unreachable, unknown: true };
    }
    // The deadline covers reading the answer too.
    const body = await readJson(response, maxResponseBytes).finally(aborting.done);
    const retryAfter = parseRetryAfter(response.headers.get('Retry-After'), now());
    // A refusal the same request cannot change (401, 403, 404, 413, 422...): not retried, and the
    // backend is alive, so it does not count against the breaker.
    const refused = response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
    if (body.kind === 'too-large') {
      log(`fulfillment "${request.action}": ${url} answered more than ${maxResponseBytes} bytes, not read`);
      return { kind: 'done', result: { ok: false, message: REASONS.unreadable, uncertain: !refused } };
    }
    if (body.kind === 'invalid') {
      if (refused) {
        log(`fulfillment "${request.action}": ${url} answered ${response.status}, not retried`);
        return { kind: 'done', result: { ok: false, message: REASONS.rejected } };
      }
      // A garbled answer (a proxy's error page, a cut connection) may hide a request that went
      // through: asking again with the same key gets the stored answer, never a second write.
      log(`fulfillment "${request.action}": ${url} answered ${response.status} without valid JSON, will retry`);
      const reason = response.status === 429 ? REASONS.rateLimited : response.status >= 500 ? REASONS.unavailable : REASONS.unreadable;
      return { kind: 'retry', reason, unknown: response.status !== 429, ...(retryAfter !== undefined && { waitMs: retryAfter }) };
    }
    const read = readFulfillmentResponse(body.value);
    if (response.status === 429 || response.status >= 500 || (read.ok && read.response.status === 'retry')) {
      const waitMs = read.ok && read.response.status === 'retry' && read.response.retryAfterSeconds !== undefined ? read.response.retryAfterSeconds * 1000 : retryAfter;
      log(`fulfillment "${request.action}": ${url} answered ${response.status}${read.ok ? ` (${read.response.status})` : ''}, will retry`);
      // A 429 was refused before any work; a 5xx or a "retry" answer (the request may be running
      // elsewhere, e.g. on another server instance) may have been carried out.
      const unknown = response.status !== 429;
      return { kind: 'retry', reason: response.status === 429 ? REASONS.rateLimited : REASONS.unavailable, unknown, ...(waitMs !== undefined && { waitMs }) };
    }
    if (!read.ok) {
      log(`fulfillment "${request.action}": the response does not follow the protocol (${read.reason})`, body.value);
      return { kind: 'done', result: { ok: false, message: REASONS.unreadable, uncertain: !refused } };
    }
    const answer = read.response;
    if (answer.status === 'error') return { kind: 'done', result: { ok: false, message: answer.message } };
    if (answer.status !== 'ok' || response.status >= 300) {
      log(`fulfillment "${request.action}": ${url} answered ${response.status}`, body.value);
      return { kind: 'done', result: { ok: false, message: REASONS.rejected } };
    }
    return {
      kind: 'done',
      result: { ok: true, ...(answer.slots && { slots: answer.slots }), ...(answer.messages && { messages: answer.messages }), ...(answer.followUp && { followUp: answer.followUp }) },
    };
  }

  function delayFor(retry: number, serverWaitMs: number | undefined): number {
    // Full jitter: many widgets retrying after one outage do not all hit the server at once.
    const jittered = random() * Math.min(backoff.maxMs, backoff.baseMs * 2 ** retry);
    return Math.max(jittered, serverWaitMs ?? 0);
  }

  const fulfill = async (call: FulfillCall, hooks: Parameters<Fulfill>[1] = {}): Promise<FulfillmentResult> => {
    const started = now();
    const { signal } = hooks;
    if (signal?.aborted) return { ok: false, message: REASONS.cancelled, cancelled: true };
    // Cacheable when the bot's flow says so (`cache_seconds`) or the page's options do.
    const ttlMs = call.cacheTtlMs ?? options.cacheTtlMs?.[call.action];
    const cacheKey = ttlMs !== undefined && ttlMs > 0 ? `${call.action} ${stableJson(call.slots)}` : null;
    const cached = cacheKey ? cache.get(cacheKey) : undefined;
    if (cached && cached.until > started) return cached.result;

    while (sent.length > 0 && sent[0]! <= started - rateLimit.perMs) sent.shift();
    if (sent.length >= rateLimit.requests) {
      log(`fulfillment "${call.action}": more than ${rateLimit.requests} requests in ${rateLimit.perMs} ms, not sent`);
      return { ok: false, message: REASONS.rateLimited };
    }
    if (breaker.openUntil > started || breaker.probing) {
      // Open (or a probe is already out): answer at once instead of a spinner on a dead backend.
      return { ok: false, message: REASONS.unavailable, unavailable: true };
    }
    const halfOpen = breaker.openUntil !== 0;
    // Only the call that started the probe ends it: another call finishing meanwhile must not let a second probe out.
    if (halfOpen) breaker.probing = true;
    sent.push(started);

    const request: FulfillmentRequest = {
      protocol: FULFILLMENT_PROTOCOL,
      action: call.action,
      sessionId: call.sessionId,
      requestId: call.requestId ?? newId(),
      slots: call.slots,
      intent: call.intent ?? null,
      entities: call.entities ?? [],
      locale: call.locale ?? 'en',
      ...(call.transcript && { transcript: call.transcript }),
    };
    // The caller's budget, counted while online: every attempt and wait ends before it does.
    let until = hooks.budgetMs === undefined ? Infinity : now() + hooks.budgetMs;
    let last: Attempt = { kind: 'retry', reason: REASONS.timeout, unknown: false };
    let unknown = false;
    try {
      for (let retry = 0; ; retry++) {
        if (!network.isOnline()) {
          // Offline: the visitor is told, and the same request goes out once the connection is back.
          hooks.onQueued?.();
          if (!(await untilAborted(network.onceOnline(signal), signal))) return cancelled(unknown);
          hooks.onResumed?.();
          if (hooks.budgetMs !== undefined) until = now() + hooks.budgetMs;
        }
        if (until - now() <= 0) break;
        last = await attempt(request, signal, until - now());
        if (last.kind === 'done') break;
        unknown ||= last.unknown;
        if (signal?.aborted) return cancelled(unknown);
        if (!network.isOnline()) {
          retry--; // lost the connection: wait for it, without spending a retry
          continue;
        }
        if (retry >= (halfOpen ? 0 : retries)) break;
        const wait = delayFor(retry, last.waitMs);
        if (wait > maxRetryAfterMs || now() + wait >= until) break;
        if (!(await untilAborted(sleep(wait), signal))) return cancelled(unknown);
      }
    } finally {
      if (halfOpen) breaker.probing = false;
    }

    if (last.kind === 'retry') {
      breaker.failures++;
      if (halfOpen || breaker.failures >= breakerOptions.failures) {
        breaker.openUntil = now() + breakerOptions.openMs;
        log(`fulfillment: ${breaker.failures} failed requests in a row, calls fail fast for ${breakerOptions.openMs} ms`);
      }
      return { ok: false, message: last.reason, ...(unknown && { uncertain: true }) };
    }
    // Any answer (even an error) shows the backend is alive.
    breaker.failures = 0;
    breaker.openUntil = 0;
    if (cacheKey && last.result.ok) cache.set(cacheKey, { until: now() + ttlMs!, result: last.result });
    return last.result;
  };
  return Object.assign(fulfill, { clearCache: () => cache.clear() });
}

function cancelled(unknown: boolean): FulfillmentResult {
  return { ok: false, message: REASONS.cancelled, cancelled: true, ...(unknown && { uncertain: true }) };
}

/** Resolves true when `promise` settles, false when `signal` aborts first. */
function untilAborted(promise: Promise<void>, signal: AbortSignal | undefined): Promise<boolean> {
  if (!signal) return promise.then(() => true);
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => resolve(false);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      },
      () => resolve(false),
    );
  });
}

/**
 * A signal that aborts after `ms` or with `outer`, whichever comes first; `done()` stops the clock.
 * (Not AbortSignal.any over AbortSignal.timeout: Node may collect such a timeout signal before it fires.)
 */
function abortAfter(ms: number, outer: AbortSignal | undefined): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError')), ms);
  const follow = () => controller.abort(outer?.reason);
  if (outer?.aborted) follow();
  else outer?.addEventListener('abort', follow, { once: true });
  return {
    signal: controller.signal,
    done: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', follow);
    },
  };
}

/** The answer's JSON, read only up to `maxBytes` (the declared length first, then while streaming). */
async function readJson(response: Response, maxBytes: number): Promise<{ kind: 'ok'; value: unknown } | { kind: 'invalid' } | { kind: 'too-large' }> {
  const declared = Number(response.headers.get('Content-Length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return { kind: 'too-large' };
  }
  let text = '';
  try {
    if (!response.body) text = await response.text();
    else {
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let bytes = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
        if (bytes > maxBytes) {
          await reader.cancel().catch(() => undefined);
          return { kind: 'too-large' };
        }
        text += decoder.decode(value, { stream: true });
      }
      text += decoder.decode();
    }
    return { kind: 'ok', value: JSON.parse(text) as unknown };
  } catch {
    return { kind: 'invalid' };
  }
}

/** Seconds or an HTTP date, as milliseconds from now; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null || isBlank(header)) return undefined;
  if (/^\d+(\.\d+)?$/.test(trimText(header))) return Number(header) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function browserNetwork(): Network {
  const target = globalThis as unknown as { navigator?: { onLine?: boolean }; addEventListener?: (type: string, listener: () => void, options?: { once: boolean }) => void };
  return {
    isOnline: () => target.navigator?.onLine !== false,
    onceOnline: (signal) =>
      new Promise<void>((resolve) => {
        if (!target.addEventListener) return resolve();
        const listener = () => resolve();
        target.addEventListener('online', listener, { once: true });
        // A cancelled wait leaves no listener behind (a long offline visit with many resets).
        signal?.addEventListener('abort', () => (target as unknown as Window).removeEventListener?.('online', listener), { once: true });
      }),
  };
}
