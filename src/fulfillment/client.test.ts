import { describe, expect, it, vi } from 'vitest';
import type { FulfillCall } from '../conversation/dialogue-turn';
import { createFulfillmentClient, parseRetryAfter, REASONS, type FulfillmentClientOptions, type Network } from './client';
import type { FulfillmentRequest } from './protocol';

const URL_ = 'https://shop.example/api/fulfillment';
const call: FulfillCall = { action: 'create_refund', flow: 'refund', slots: { order_id: 'A12345' }, sessionId: 's1', intent: { name: 'refund_request', confidence: 0.97 }, entities: [], locale: 'en-GB' };

type Reply = { status?: number; body?: unknown; raw?: string; headers?: Record<string, string> } | Error | 'hang';

/** A fetch that answers from a script and records what was sent. */
function scriptedFetch(replies: Reply[]) {
  const sent: Array<{ headers: Record<string, string>; body: FulfillmentRequest }> = [];
  const fetch = vi.fn(async (_url: string | URL | Request, init?: RequestInit) => {
    sent.push({ headers: init!.headers as Record<string, string>, body: JSON.parse(String(init!.body)) as FulfillmentRequest });
    const reply = replies.shift() ?? { body: { status: 'ok' } };
    if (reply instanceof Error) throw reply;
    if (reply === 'hang') {
      return new Promise<Response>((_, reject) => init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason)));
    }
    return new Response(reply.raw ?? JSON.stringify(reply.body ?? { status: 'ok' }), { status: reply.status ?? 200, headers: reply.headers ?? {} });
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, sent, calls: fetch };
}

function client(replies: Reply[], options: Partial<FulfillmentClientOptions> = {}) {
  const scripted = scriptedFetch(replies);
  const waits: number[] = [];
  const logs: string[] = [];
  let clock = 1_000_000;
  const fulfill = createFulfillmentClient(URL_, {
    fetch: scripted.fetch,
    sleep: async (ms) => {
      waits.push(ms);
      clock += ms;
    },
    random: () => 0.5,
    now: () => clock,
    log: (message) => logs.push(message),
    network: { isOnline: () => true, onceOnline: async () => {} },
    ...options,
  });
  return { fulfill, ...scripted, waits, logs, advance: (ms: number) => (clock += ms) };
}

describe('fulfillment client', () => {
  it('posts the protocol request with an idempotency key, the host page headers and the conversation context', async () => {
    const { fulfill, sent } = client([{ body: { status: 'ok', slots: { refund_id: 'R1000' }, messages: ['Refund created.'], extra: 'ignored' } }], {
      headers: (request) => ({ Authorization: `Bearer token-for-${request.sessionId}` }),
    });
    const result = await fulfill(call);
    expect(result).toEqual({ ok: true, slots: { refund_id: 'R1000' }, messages: ['Refund created.'] });
    expect(sent).toHaveLength(1);
    const { headers, body } = sent[0]!;
    expect(headers).toMatchObject({ 'Content-Type': 'application/json', Authorization: 'Bearer token-for-s1', 'Idempotency-Key': body.requestId });
    expect(body).toMatchObject({ protocol: 1, action: 'create_refund', sessionId: 's1', slots: { order_id: 'A12345' }, intent: { name: 'refund_request', confidence: 0.97 }, locale: 'en-GB' });
  });

  it('retries 5xx and network errors with the same idempotency key, backing off with jitter', async () => {
    const { fulfill, sent, waits } = client([{ status: 503, body: { status: 'error', message: 'down' } }, new TypeError('Failed to fetch'), { body: { status: 'ok' } }]);
    expect(await fulfill(call)).toEqual({ ok: true });
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((s) => s.headers['Idempotency-Key'])).size).toBe(1);
    // Full jitter with random() = 0.5: half of 400 ms, then half of 800 ms.
    expect(waits).toEqual([200, 400]);
  });

  it('honours Retry-After on 429 (seconds or an HTTP date) and a "retry" answer', async () => {
    const { fulfill, waits } = client([{ status: 429, headers: { 'Retry-After': '3' }, raw: 'slow down' }, { body: { status: 'retry', retryAfterSeconds: 1.5 } }, { body: { status: 'ok' } }]);
    expect(await fulfill(call)).toEqual({ ok: true });
    expect(waits).toEqual([3000, 1500]);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:05 GMT', Date.parse('Wed, 21 Oct 2026 07:28:00 GMT'))).toBe(5000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });

  it('does not wait for a Retry-After longer than it allows: the visitor gets an answer', async () => {
    const { fulfill, sent } = client([{ status: 429, headers: { 'Retry-After': '600' }, body: { status: 'error', message: 'busy' } }]);
    expect(await fulfill(call)).toEqual({ ok: false, message: REASONS.rateLimited });
    expect(sent).toHaveLength(1);
  });

  it('gives up after the retries with a plain reason', async () => {
    const { fulfill, sent, logs } = client([new TypeError('x'), new TypeError('x'), new TypeError('x'), new TypeError('x'), new TypeError('x')]);
    expect(await fulfill(call)).toEqual({ ok: false, message: REASONS.unreachable });
    expect(sent).toHaveLength(4);
    expect(logs[0]).toContain('could not reach the server');
  });

  it('times out a request that hangs, and says so', async () => {
    const { fulfill, sent } = client(['hang', 'hang'], { timeoutMs: 20, retries: 1 });
    expect(await fulfill(call)).toEqual({ ok: false, message: REASONS.timeout });
    expect(sent).toHaveLength(2);
  });

  it('a per-action timeout wins over the default', async () => {
    const { fulfill } = client(['hang'], { timeoutMs: 60_000, actionTimeoutsMs: { create_refund: 20 }, retries: 0 });
    expect(await fulfill(call)).toEqual({ ok: false, message: REASONS.timeout });
  });

  it('malformed JSON is asked again (same key); an answer outside the protocol is an error with a log line', async () => {
    const garbled = client([{ raw: '{"status": "ok"' }, { body: { status: 'ok', slots: { refund_id: 'R5' } } }]);
    expect(await garbled.fulfill(call)).toEqual({ ok: true, slots: { refund_id: 'R5' } });
    expect(garbled.sent).toHaveLength(2);
    const broken = client([{ raw: '<html>' }, { raw: '<html>' }], { retries: 1 });
    expect(await broken.fulfill(call)).toEqual({ ok: false, message: REASONS.unreadable });
    const wrong = client([{ body: { status: 'ok', slots: { refund_id: { nested: true } } } }]);
    expect(await wrong.fulfill(call)).toEqual({ ok: false, message: REASONS.unreadable });
    expect(wrong.logs[0]).toMatch(/does not follow the protocol \(slots\.refund_id: /);
  });

  it("an error answer is final and its message is the visitor's reason", async () => {
    const { fulfill, sent } = client([{ status: 200, body: { status: 'error', message: 'we have no order A99999' } }]);
    expect(await fulfill(call)).toEqual({ ok: false, message: 'we have no order A99999' });
    expect(sent).toHaveLength(1);
  });

  it('the circuit breaker fails fast while open, then lets one probe through', async () => {
    const down = Array.from({ length: 20 }, () => new TypeError('down'));
    const c = client(down, { retries: 0, breaker: { failures: 3, openMs: 30_000 } });
    for (let i = 0; i < 3; i++) expect(await c.fulfill(call)).toEqual({ ok: false, message: REASONS.unreachable });
    expect(c.sent).toHaveLength(3);
    expect(await c.fulfill(call)).toEqual({ ok: false, message: REASONS.unavailable, unavailable: true });
    expect(c.sent).toHaveLength(3); // nothing sent while open
    c.advance(30_001);
    expect(await c.fulfill(call)).toEqual({ ok: false, message: REASONS.unreachable }); // the probe fails: open again
    expect(c.sent).toHaveLength(4);
    expect(await c.fulfill(call)).toMatchObject({ unavailable: true });
    c.advance(30_001);
    down.length = 0; // the backend is back
    expect(await c.fulfill(call)).toEqual({ ok: true });
    expect(await c.fulfill(call)).toEqual({ ok: true });
  });

  it('answers cacheable actions from the cache within their time to live', async () => {
    const c = client([{ body: { status: 'ok', slots: { order_state: 'shipped' } } }, { body: { status: 'ok', slots: { order_state: 'delivered' } } }, { body: { status: 'ok', slots: { order_state: 'lost' } } }], {
      cacheTtlMs: { order_status: 60_000 },
    });
    const lookup = { ...call, action: 'order_status', flow: 'order_status' };
    expect(await c.fulfill(lookup)).toMatchObject({ slots: { order_state: 'shipped' } });
    expect(await c.fulfill(lookup)).toMatchObject({ slots: { order_state: 'shipped' } });
    expect(c.sent).toHaveLength(1);
    expect(await c.fulfill({ ...lookup, slots: { order_id: 'B77777' } })).toMatchObject({ slots: { order_state: 'delivered' } });
    c.advance(60_001);
    expect(await c.fulfill(lookup)).toMatchObject({ slots: { order_state: 'lost' } });
    expect(c.sent).toHaveLength(3);
  });

  it("a flow's cache_seconds makes its action cacheable", async () => {
    const c = client([{ body: { status: 'ok', slots: { order_state: 'shipped' } } }]);
    const lookup = { ...call, action: 'order_status', flow: 'order_status', cacheTtlMs: 30_000 };
    await c.fulfill(lookup);
    expect(await c.fulfill(lookup)).toMatchObject({ slots: { order_state: 'shipped' } });
    expect(c.sent).toHaveLength(1);
    await c.fulfill({ ...call, action: 'create_refund' });
    await c.fulfill({ ...call, action: 'create_refund' });
    expect(c.sent).toHaveLength(3); // writes are never cached
  });

  it('refuses calls beyond the per-session rate limit without sending them', async () => {
    const c = client([], { rateLimit: { requests: 3, perMs: 60_000 } });
    for (let i = 0; i < 3; i++) expect(await c.fulfill(call)).toEqual({ ok: true });
    expect(await c.fulfill(call)).toEqual({ ok: false, message: REASONS.rateLimited });
    expect(c.sent).toHaveLength(3);
    c.advance(60_001);
    expect(await c.fulfill(call)).toEqual({ ok: true });
  });

  it('offline: tells the conversation, waits for the connection, then sends the same request', async () => {
    let online = false;
    let goOnline: () => void = () => {};
    const network: Network = { isOnline: () => online, onceOnline: () => new Promise<void>((resolve) => (goOnline = resolve)) };
    const c = client([], { network });
    const events: string[] = [];
    const pending = c.fulfill(call, { onQueued: () => events.push('queued'), onResumed: () => events.push('resumed') });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(events).toEqual(['queued']);
    expect(c.sent).toHaveLength(0);
    online = true;
    goOnline();
    expect(await pending).toEqual({ ok: true });
    expect(events).toEqual(['queued', 'resumed']);
    expect(c.sent).toHaveLength(1);
  });
});
