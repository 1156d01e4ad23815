/**
 * `createFulfillmentHandler({ actions })`: a site's fulfillment endpoint as a standard
 * `(Request) => Promise<Response>` (Node 18+ http through `toNodeListener`, Express, Fastify, Hono,
 * Deno, workers). It validates requests, runs each idempotency key's action at most once (a repeated
 * key gets the stored response, a concurrent one waits for the first), answers CORS preflights, and
 * turns thrown errors into safe error responses: the visitor never sees a stack trace.
 */
import * as v from 'valibot';
import { FULFILLMENT_PROTOCOL, type FulfillmentRequest, type FulfillmentResponse } from '../fulfillment/protocol';

/** Thrown by an action for an answer the visitor should see ("we have no order A99999"). */
export class FulfillmentError extends Error {
  constructor(public readonly userMessage: string) {
    super(userMessage);
    this.name = 'FulfillmentError';
  }
}

export interface ActionContext {
  /** The request's Idempotency-Key: store it with the write to make it exactly-once end to end. */
  idempotencyKey: string;
  request: Request;
}

/** What an action returns: slot updates, messages, a follow-up (all optional; undefined is a plain "ok"). */
export type ActionResult = Omit<Extract<FulfillmentResponse, { status: 'ok' }>, 'status'> | undefined;
export type Action = (request: FulfillmentRequest, context: ActionContext) => ActionResult | Promise<ActionResult>;

/** Where answered requests are kept for replays; the default keeps them in memory for a day. */
export interface IdempotencyStore {
  get(key: string): Promise<StoredAnswer | undefined> | StoredAnswer | undefined;
  set(key: string, answer: StoredAnswer): Promise<void> | void;
}
export interface StoredAnswer {
  /** A fingerprint of the request, so a key reused for another request is refused. */
  fingerprint: string;
  status: number;
  body: FulfillmentResponse;
}

export interface FulfillmentHandlerOptions {
  actions: Record<string, Action>;
  idempotency?: IdempotencyStore;
  /** Origins allowed to call from a browser on another origin ("*" for any); none by default. */
  cors?: { origins: string[] | '*'; allowHeaders?: string[] };
  /** Larger request bodies are refused (default 64 KiB; a handoff carries the transcript). */
  maxBodyBytes?: number;
  /** Told of every unexpected error (log it, report it); the visitor gets a generic message. */
  onError?: (error: unknown, request: FulfillmentRequest | null) => void;
}

const RequestSchema = v.looseObject({
  protocol: v.literal(FULFILLMENT_PROTOCOL),
  action: v.pipe(v.string(), v.minLength(1)),
  sessionId: v.string(),
  requestId: v.string(),
  slots: v.record(v.string(), v.union([v.string(), v.number(), v.boolean()])),
  intent: v.optional(v.nullable(v.object({ name: v.string(), confidence: v.number() })), null),
  entities: v.optional(v.array(v.looseObject({ entity: v.string(), value: v.unknown() })), []),
  locale: v.optional(v.string(), 'en'),
  transcript: v.optional(v.array(v.object({ from: v.picklist(['user', 'bot']), text: v.string(), at: v.string() }))),
});

const SAFE_FAILURE = 'something went wrong on our side';

export function memoryIdempotencyStore(ttlMs = 24 * 60 * 60 * 1000, now: () => number = Date.now): IdempotencyStore {
  const answers = new Map<string, { until: number; answer: StoredAnswer }>();
  return {
    get(key) {
      const entry = answers.get(key);
      if (entry && entry.until < now()) answers.delete(key);
      return entry && entry.until >= now() ? entry.answer : undefined;
    },
    set(key, answer) {
      answers.set(key, { until: now() + ttlMs, answer });
    },
  };
}

function fingerprintOf(request: FulfillmentRequest): string {
  return `${request.action} ${request.sessionId} ${JSON.stringify(Object.entries(request.slots).sort(([a], [b]) => a.localeCompare(b)))}`;
}

export function createFulfillmentHandler(options: FulfillmentHandlerOptions): (request: Request) => Promise<Response> {
  const store = options.idempotency ?? memoryIdempotencyStore();
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
  const onError = options.onError ?? ((error: unknown) => console.error('[parley/server] fulfillment action failed:', error));
  /** Keys being answered right now: a duplicate delivered meanwhile waits for the same answer. */
  const inFlight = new Map<string, Promise<StoredAnswer>>();

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

  async function answer(parsed: FulfillmentRequest, key: string, request: Request): Promise<StoredAnswer> {
    const fingerprint = fingerprintOf(parsed);
    const action = options.actions[parsed.action];
    if (!action) return { fingerprint, status: 404, body: { status: 'error', message: `this site cannot do "${parsed.action}"` } };
    try {
      const result = (await action(parsed, { idempotencyKey: key, request })) ?? {};
      return { fingerprint, status: 200, body: { status: 'ok', ...result } };
    } catch (error) {
      if (error instanceof FulfillmentError) return { fingerprint, status: 200, body: { status: 'error', message: error.userMessage } };
      onError(error, parsed);
      return { fingerprint, status: 500, body: { status: 'error', message: SAFE_FAILURE } };
    }
  }

  return async (request) => {
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: corsHeaders(request) });
    if (request.method !== 'POST') return reply(request, 405, { status: 'error', message: 'use POST' }, { Allow: 'POST, OPTIONS' });
    const key = request.headers.get('Idempotency-Key');
    if (!key) return reply(request, 400, { status: 'error', message: 'the Idempotency-Key header is missing' });
    if (!/json/i.test(request.headers.get('Content-Type') ?? '')) return reply(request, 415, { status: 'error', message: 'send JSON (Content-Type: application/json)' });

    const text = await request.text();
    if (new TextEncoder().encode(text).byteLength > maxBodyBytes) return reply(request, 413, { status: 'error', message: 'the request is too large' });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return reply(request, 400, { status: 'error', message: 'the request is not valid JSON' });
    }
    const checked = v.safeParse(RequestSchema, json);
    if (!checked.success) {
      const issue = checked.issues[0];
      const path = issue.path?.map((item) => String(item.key)).join('.') ?? '';
      return reply(request, 400, { status: 'error', message: `invalid request: ${path ? `${path}: ` : ''}${issue.message}` });
    }
    const parsed = checked.output as FulfillmentRequest;
    const fingerprint = fingerprintOf(parsed);
    const replay = (stored: StoredAnswer) =>
      stored.fingerprint !== fingerprint
        ? reply(request, 422, { status: 'error', message: 'this Idempotency-Key was used for another request' })
        : reply(request, stored.status, stored.body, { 'Idempotent-Replayed': 'true' });

    // Checked and claimed with no await in between: a duplicate arriving meanwhile waits for this answer.
    const running = inFlight.get(key);
    if (running) return replay(await running);
    let fresh = false;
    const pending = (async (): Promise<StoredAnswer> => {
      const stored = await store.get(key);
      if (stored) return stored;
      fresh = true;
      const result = await answer(parsed, key, request);
      // A failure is not stored: the client retries with the same key and the action gets another chance.
      if (result.status !== 500) await store.set(key, result);
      return result;
    })();
    inFlight.set(key, pending);
    try {
      const result = await pending;
      return fresh ? reply(request, result.status, result.body) : replay(result);
    } finally {
      inFlight.delete(key);
    }
  };
}
