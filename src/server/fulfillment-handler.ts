/**
 * `createFulfillmentHandler({ actions })`: a site's fulfillment endpoint as a standard
 * `(Request) => Promise<Response>` (Node 18+ http through `toNodeListener`, Express, Fastify, Hono,
 * Deno, workers). It reads bodies with a size limit and a deadline, validates requests, runs each
 * idempotency key's action at most once, even across instances that share one store (a repeated
 * key gets the stored answer; a concurrent one waits for it here, or is told to retry by another
 * instance), gives every action a time limit, answers CORS preflights, and turns thrown errors into
 * safe error responses: the visitor never sees a stack trace.
 */
import { createHash, randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { FULFILLMENT_PROTOCOL, type FulfillmentRequest, type FulfillmentResponse } from '../fulfillment/protocol';

/** The server helper's defaults (Node only, so not in src/defaults.ts, which holds the browser's). */
export const SERVER_DEFAULTS = {
  /** Larger request bodies are refused (413); a handoff carries the transcript. */
  maxBodyBytes: 64 * 1024,
  /** A body still arriving after this is refused (408): a slow client cannot hold a request open. */
  bodyTimeoutMs: 10_000,
  /** An action still running after this gets a retryable answer, and its claim is released. */
  actionTimeoutMs: 10_000,
  /** How long an instance's claim on a key holds: longer than any action may run, so a live claim never lapses. */
  claimTtlMs: 30_000,
  /** Answers are kept for replays this long (clients retry within seconds; a day covers a reload the next morning). */
  answerTtlMs: 24 * 60 * 60 * 1000,
  /** The memory store keeps at most this many keys... */
  maxEntries: 10_000,
  /** ...and about this many bytes of them, dropping the oldest first. */
  maxBytes: 16 * 1024 * 1024,
  /** Longest Idempotency-Key accepted (a UUID is 36 characters). */
  maxKeyLength: 255,
  /** What a client is told to wait before asking again about a request still being answered. */
  retryAfterSeconds: 1,
} as const;

/** Thrown by an action for an answer the visitor should see ("we have no order A99999"). */
export class FulfillmentError extends Error {
  constructor(public readonly userMessage: string) {
    super(userMessage);
    this.name = 'FulfillmentError';
  }
}

/** What `onError` hears when an action did not finish within `actionTimeoutMs`. */
export class ActionTimeoutError extends Error {
  constructor(
    public readonly action: string,
    public readonly timeoutMs: number,
  ) {
    super(`the action "${action}" did not finish within ${timeoutMs} ms; its claim was released so a retry can run it`);
    this.name = 'ActionTimeoutError';
  }
}

export interface ActionContext {
  /** The request's Idempotency-Key: store it with the write to make it exactly-once end to end. */
  idempotencyKey: string;
  request: Request;
  /** Aborted when the action runs out of time: stop, since a retry may run it again. */
  signal: AbortSignal;
}

/** What an action returns: slot updates, messages, a follow-up (all optional; undefined is a plain "ok"). */
export type ActionResult = Omit<Extract<FulfillmentResponse, { status: 'ok' }>, 'status'> | undefined;
export type Action = (request: FulfillmentRequest, context: ActionContext) => ActionResult | Promise<ActionResult>;

export interface StoredAnswer {
  /** A fingerprint of the request, so a key reused for another request is refused. */
  fingerprint: string;
  status: number;
  body: FulfillmentResponse;
}

/** An instance's claim on a key while it runs the action. */
export interface Claim {
  /** The request's fingerprint: a second delivery with another fingerprint is refused. */
  fingerprint: string;
  /** Unique to this claim: complete and release only act on the claim that holds this token. */
  token: string;
  /** The claim lapses after this long (its instance died), and the key can be claimed again. */
  ttlMs: number;
}

export type ClaimResult =
  /** The key was free (or its claim or answer had expired): run the action, then complete or release. */
  | { state: 'claimed' }
  /** Answered before: replay this. */
  | { state: 'answered'; answer: StoredAnswer }
  /** Another claim holds the key and has not lapsed. */
  | { state: 'in-flight'; fingerprint: string };

/**
 * Where keys are claimed and answers kept. `claim` must be atomic (set-if-absent, e.g. `INSERT ...
 * ON CONFLICT DO NOTHING` in SQL, `SET key value NX PX ttl` in Redis): that is what keeps two
 * instances sharing the store from both running an action. docs/fulfillment.md has sketches.
 */
export interface IdempotencyStore {
  claim(key: string, claim: Claim): Promise<ClaimResult> | ClaimResult;
  /** Replaces this token's claim with the answer (kept for replays); does nothing if the claim is gone. */
  complete(key: string, token: string, answer: StoredAnswer): Promise<void> | void;
  /** Drops this token's claim without an answer (the action failed and may be retried); does nothing if it is gone. */
  release(key: string, token: string): Promise<void> | void;
}

/**
 * A store of the earlier kind, with only get and set. Still accepted, but at most once holds only
 * within one process (the claim lives in that process's memory): implement `IdempotencyStore` for
 * several instances.
 */
export interface KeyValueIdempotencyStore {
  get(key: string): Promise<StoredAnswer | undefined> | StoredAnswer | undefined;
  set(key: string, answer: StoredAnswer): Promise<void> | void;
}

export interface FulfillmentHandlerOptions {
  actions: Record<string, Action>;
  /** Where claims and answers are kept; by default in memory, bounded (`memoryIdempotencyStore()`). */
  idempotency?: IdempotencyStore | KeyValueIdempotencyStore;
  /** Origins allowed to call from a browser on another origin ("*" for any); none by default. */
  cors?: { origins: string[] | '*'; allowHeaders?: string[] };
  /** Larger request bodies are refused (413), unread when Content-Length says so (default 64 KiB). */
  maxBodyBytes?: number;
  /** A body not fully arrived after this is refused with 408 (default 10 s). */
  bodyTimeoutMs?: number;
  /** An action running longer gets a retryable 503, its claim is released and onError is told (default 10 s). */
  actionTimeoutMs?: number;
  /** How long a claim holds before another instance may take the key over (default 30 s; must exceed actionTimeoutMs). */
  claimTtlMs?: number;
  /** Told of every unexpected error (log it, report it); the visitor gets a generic message. */
  onError?: (error: unknown, request: FulfillmentRequest | null) => void;
}

const SHORT_TEXT = 200;
const RequestSchema = v.looseObject({
  protocol: v.literal(FULFILLMENT_PROTOCOL),
  action: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  sessionId: v.pipe(v.string(), v.maxLength(SHORT_TEXT)),
  requestId: v.pipe(v.string(), v.maxLength(SHORT_TEXT)),
  slots: v.record(v.string(), v.union([v.string(), v.number(), v.boolean()])),
  intent: v.optional(v.nullable(v.object({ name: v.string(), confidence: v.number() })), null),
  entities: v.optional(v.array(v.looseObject({ entity: v.string(), value: v.unknown() })), []),
  locale: v.optional(v.string(), 'en'),
  transcript: v.optional(v.array(v.object({ from: v.picklist(['user', 'bot']), text: v.string(), at: v.string() }))),
});

const SAFE_FAILURE = 'something went wrong on our side';
/** Visible ASCII only: a key is an opaque token (a UUID from the widget), never free text. */
const KEY_PATTERN = /^[\x21-\x7e]+$/;

/** Caller text quoted back is cut short: an error message never carries a request's bulk. */
function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export interface MemoryIdempotencyOptions {
  /** How long answers are kept (default a day). */
  ttlMs?: number;
  /** At most this many keys (default 10,000)... */
  maxEntries?: number;
  /** ...and about this many bytes (default 16 MiB); the oldest answers go first. */
  maxBytes?: number;
  now?: () => number;
}

interface MemoryEntry {
  fingerprint: string;
  until: number;
  bytes: number;
  /** Set while claimed and not yet answered. */
  token?: string;
  answer?: StoredAnswer;
}

/**
 * Claims and answers in this process's memory, bounded by age, count and size. Enough for one
 * instance; several instances need a shared store (docs/fulfillment.md). An answer pushed out
 * early by a flood of keys is run again on a retry, so actions still write under their key.
 */
export function memoryIdempotencyStore(options: MemoryIdempotencyOptions = {}): IdempotencyStore {
  const ttlMs = options.ttlMs ?? SERVER_DEFAULTS.answerTtlMs;
  const maxEntries = options.maxEntries ?? SERVER_DEFAULTS.maxEntries;
  const maxBytes = options.maxBytes ?? SERVER_DEFAULTS.maxBytes;
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order: the first entries are the oldest.
  const entries = new Map<string, MemoryEntry>();
  let bytes = 0;

  const put = (key: string, entry: MemoryEntry) => {
    entries.set(key, entry);
    bytes += entry.bytes;
  };
  const drop = (key: string, entry: MemoryEntry) => {
    entries.delete(key);
    bytes -= entry.bytes;
  };
  // Strings count twice (UTF-16) plus a rough overhead per entry: an estimate, but one that grows with the data.
  const sizeOf = (key: string, fingerprint: string, answer?: StoredAnswer) => 2 * (key.length + fingerprint.length + (answer ? JSON.stringify(answer.body).length : 0)) + 200;

  function evict() {
    const time = now();
    for (const [key, entry] of entries) {
      const over = entries.size > maxEntries || bytes > maxBytes;
      if (entry.until <= time) drop(key, entry);
      // A live claim stays: dropping it would let a duplicate run. Claims are few (requests in progress).
      else if (over && entry.token === undefined) drop(key, entry);
      else if (!over) break;
    }
  }

  return {
    claim(key, claim) {
      evict();
      const entry = entries.get(key);
      if (entry && entry.until > now()) {
        return entry.answer ? { state: 'answered', answer: entry.answer } : { state: 'in-flight', fingerprint: entry.fingerprint };
      }
      if (entry) drop(key, entry);
      put(key, { fingerprint: claim.fingerprint, token: claim.token, until: now() + claim.ttlMs, bytes: sizeOf(key, claim.fingerprint) });
      return { state: 'claimed' };
    },
    complete(key, token, answer) {
      const entry = entries.get(key);
      if (entry?.token !== token) return;
      drop(key, entry);
      put(key, { fingerprint: answer.fingerprint, answer, until: now() + ttlMs, bytes: sizeOf(key, answer.fingerprint, answer) });
      evict();
    },
    release(key, token) {
      const entry = entries.get(key);
      if (entry?.token === token) drop(key, entry);
    },
  };
}

/** An earlier get/set store behind the claim interface; its claims live in this process only. */
function claimingStore(store: IdempotencyStore | KeyValueIdempotencyStore): IdempotencyStore {
  if ('claim' in store) return store;
  const claims = new Map<string, { token: string; fingerprint: string }>();
  return {
    async claim(key, claim) {
      const answer = await store.get(key);
      if (answer) return { state: 'answered', answer };
      const held = claims.get(key);
      if (held) return { state: 'in-flight', fingerprint: held.fingerprint };
      claims.set(key, { token: claim.token, fingerprint: claim.fingerprint });
      return { state: 'claimed' };
    },
    async complete(key, token, answer) {
      if (claims.get(key)?.token !== token) return;
      try {
        await store.set(key, answer);
      } finally {
        claims.delete(key);
      }
    },
    release(key, token) {
      if (claims.get(key)?.token === token) claims.delete(key);
    },
  };
}

function fingerprintOf(request: FulfillmentRequest): string {
  const slots = Object.entries(request.slots).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // Hashed: a stored fingerprint has a fixed size whatever the request carried.
  return createHash('sha256').update(JSON.stringify([request.action, request.sessionId, slots])).digest('hex');
}

type BodyRead = { ok: true; text: string } | { ok: false; status: 400 | 408 | 413 };

/**
 * Reads a request body, at most `maxBytes` of it and for at most `timeoutMs`: a declared
 * Content-Length above the limit is refused unread, a stream that grows past it or trickles is
 * cancelled. Nothing larger than the limit is ever held.
 */
async function readBody(request: Request, maxBytes: number, timeoutMs: number): Promise<BodyRead> {
  const declared = Number(request.headers.get('Content-Length') ?? Number.NaN);
  if (declared > maxBytes) {
    request.body?.cancel().catch(() => {});
    return { ok: false, status: 413 };
  }
  if (!request.body) return { ok: true, text: '' };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), deadline]);
      if (next === 'late') return { ok: false, status: 408 };
      if (next.done) break;
      size += next.value.byteLength;
      if (size > maxBytes) return { ok: false, status: 413 };
      chunks.push(next.value);
    }
  } catch {
    // The client went away mid-body: there is nobody to answer, but the caller needs a value.
    return { ok: false, status: 400 };
  } finally {
    clearTimeout(timer);
    reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, status: 400 };
  }
}

/** application/json or any +json type, by its essence (not any type that merely mentions json). */
function isJsonType(contentType: string | null): boolean {
  const essence = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return essence === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(essence);
}

/** What one delivery ends with. */
interface Outcome {
  status: number;
  body: FulfillmentResponse;
  /** A final answer, now in the store: a duplicate is told it is a replay. */
  stored: boolean;
  /** Given from the store, not by running the action now. */
  replayed: boolean;
  headers?: Record<string, string>;
}

export function createFulfillmentHandler(options: FulfillmentHandlerOptions): (request: Request) => Promise<Response> {
  const store = claimingStore(options.idempotency ?? memoryIdempotencyStore());
  const maxBodyBytes = options.maxBodyBytes ?? SERVER_DEFAULTS.maxBodyBytes;
  const bodyTimeoutMs = options.bodyTimeoutMs ?? SERVER_DEFAULTS.bodyTimeoutMs;
  const actionTimeoutMs = options.actionTimeoutMs ?? SERVER_DEFAULTS.actionTimeoutMs;
  const claimTtlMs = options.claimTtlMs ?? Math.max(SERVER_DEFAULTS.claimTtlMs, 3 * actionTimeoutMs);
  // A claim that lapsed while its action still ran would let a second instance run it too.
  if (claimTtlMs <= actionTimeoutMs) throw new Error(`claimTtlMs (${claimTtlMs}) must be longer than actionTimeoutMs (${actionTimeoutMs})`);
  const onError = options.onError ?? ((error: unknown) => console.error('[parley/server] fulfillment action failed:', error));
  /** Keys being answered by this instance right now: a duplicate delivered here meanwhile waits for the same answer. */
  const inFlight = new Map<string, { fingerprint: string; outcome: Promise<Outcome> }>();

  const retryLater = (status: number, message: string): Outcome => ({
    status,
    body: { status: 'retry', retryAfterSeconds: SERVER_DEFAULTS.retryAfterSeconds, message },
    stored: false,
    replayed: false,
    headers: { 'Retry-After': String(SERVER_DEFAULTS.retryAfterSeconds) },
  });
  const reused: Outcome = { status: 422, body: { status: 'error', message: 'this Idempotency-Key was used for another request' }, stored: false, replayed: false };

  function corsHeaders(request: Request): Record<string, string> {
    const origin = request.headers.get('Origin');
    if (!options.cors || !origin) return {};
    const allowed = options.cors.origins === '*' || options.cors.origins.includes(origin);
    if (!allowed) return {};
    return {
      'Access-Control-Allow-Origin': options.cors.origins === '*' ? '*' : origin,
      'Access-Control-Allow-Methods': 'POST, OPTIONS',
      'Access-Control-Allow-Headers': ['Content-Type', 'Idempotency-Key', ...(options.cors.allowHeaders ?? [])].join(', '),
      'Access-Control-Max-Age': '600',
      Vary: 'Origin',
    };
  }

  function reply(request: Request, status: number, body: FulfillmentResponse, extra: Record<string, string> = {}): Response {
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...corsHeaders(request), ...extra } });
  }

  /** Runs the action within its time limit: a final answer (to store) or a failure (to release). */
  async function run(action: Action, parsed: FulfillmentRequest, key: string, request: Request): Promise<Outcome> {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), actionTimeoutMs)));
    try {
      // Promise.race also handles a stuck action's late rejection: it never goes unhandled.
      const result = await Promise.race([Promise.resolve().then(() => action(parsed, { idempotencyKey: key, request, signal: controller.signal })), timeout]);
      if (result === 'timeout') {
        const error = new ActionTimeoutError(parsed.action, actionTimeoutMs);
        controller.abort(error);
        onError(error, parsed);
        return retryLater(503, SAFE_FAILURE);
      }
      return { status: 200, body: { status: 'ok', ...(result ?? {}) }, stored: true, replayed: false };
    } catch (error) {
      if (error instanceof FulfillmentError) return { status: 200, body: { status: 'error', message: error.userMessage }, stored: true, replayed: false };
      onError(error, parsed);
      // A failure is not stored: the client retries with the same key and the action gets another chance.
      return { status: 500, body: { status: 'error', message: SAFE_FAILURE }, stored: false, replayed: false };
    } finally {
      clearTimeout(timer);
    }
  }

  async function settle(action: Action, parsed: FulfillmentRequest, key: string, fingerprint: string, request: Request): Promise<Outcome> {
    const token = randomUUID();
    let claim: ClaimResult;
    try {
      claim = await store.claim(key, { fingerprint, token, ttlMs: claimTtlMs });
    } catch (error) {
      onError(error, parsed);
      return retryLater(503, SAFE_FAILURE);
    }
    if (claim.state === 'answered') return claim.answer.fingerprint === fingerprint ? { status: claim.answer.status, body: claim.answer.body, stored: true, replayed: true } : reused;
    // Another instance is running it and answers that delivery; this one is asked again shortly. A 503,
    // not the IETF Idempotency-Key draft's 409: the outcome is not known yet, which is what a client reads from a 5xx.
    if (claim.state === 'in-flight') return claim.fingerprint === fingerprint ? retryLater(503, 'this request is still being answered') : reused;

    const outcome = await run(action, parsed, key, request);
    try {
      if (outcome.stored) await store.complete(key, token, { fingerprint, status: outcome.status, body: outcome.body });
      else await store.release(key, token);
    } catch (error) {
      // The answer stands; the claim lapses after claimTtlMs and a later retry finds the key free.
      onError(error, parsed);
    }
    return outcome;
  }

  return async (request) => {
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: corsHeaders(request) });
    if (request.method !== 'POST') return reply(request, 405, { status: 'error', message: 'use POST' }, { Allow: 'POST, OPTIONS' });
    const key = request.headers.get('Idempotency-Key');
    if (!key) return reply(request, 400, { status: 'error', message: 'the Idempotency-Key header is missing' });
    if (key.length > SERVER_DEFAULTS.maxKeyLength || !KEY_PATTERN.test(key)) {
      return reply(request, 400, { status: 'error', message: `the Idempotency-Key must be at most ${SERVER_DEFAULTS.maxKeyLength} visible ASCII characters` });
    }
    if (!isJsonType(request.headers.get('Content-Type'))) return reply(request, 415, { status: 'error', message: 'send JSON (Content-Type: application/json)' });

    const read = await readBody(request, maxBodyBytes, bodyTimeoutMs);
    if (!read.ok) {
      if (read.status === 413) return reply(request, 413, { status: 'error', message: 'the request is too large' });
      if (read.status === 408) return reply(request, 408, { status: 'retry', retryAfterSeconds: SERVER_DEFAULTS.retryAfterSeconds, message: 'the request took too long to arrive' });
      return reply(request, 400, { status: 'error', message: 'the request is not valid JSON' });
    }
    let json: unknown;
    try {
      json = JSON.parse(read.text);
    } catch {
      return reply(request, 400, { status: 'error', message: 'the request is not valid JSON' });
    }
    const checked = v.safeParse(RequestSchema, json);
    if (!checked.success) {
      const issue = checked.issues[0];
      const path = issue.path?.map((item) => String(item.key)).join('.') ?? '';
      // valibot quotes the value it received: a 50 kB string would come back whole.
      return reply(request, 400, { status: 'error', message: clip(`invalid request: ${path ? `${clip(path, 60)}: ` : ''}${issue.message}`, 200) });
    }
    const parsed = checked.output as FulfillmentRequest;
    // Own properties only: "constructor" or "toString" are not actions.
    const action = Object.hasOwn(options.actions, parsed.action) ? options.actions[parsed.action] : undefined;
    // Not stored: an unknown action has nothing to replay, and storing it would let junk fill the store.
    if (!action) return reply(request, 404, { status: 'error', message: `this site cannot do "${clip(parsed.action, 40)}"` });
    const fingerprint = fingerprintOf(parsed);

    // Checked and registered with no await in between: a duplicate arriving meanwhile waits for this answer.
    const answer = (outcome: Outcome, replayed: boolean) => reply(request, outcome.status, outcome.body, { ...outcome.headers, ...(replayed && { 'Idempotent-Replayed': 'true' }) });
    const running = inFlight.get(key);
    if (running) {
      if (running.fingerprint !== fingerprint) return answer(reused, false);
      const outcome = await running.outcome;
      return answer(outcome, outcome.stored);
    }
    const pending = settle(action, parsed, key, fingerprint, request);
    inFlight.set(key, { fingerprint, outcome: pending });
    try {
      const outcome = await pending;
      return answer(outcome, outcome.replayed);
    } finally {
      inFlight.delete(key);
    }
  };
}
