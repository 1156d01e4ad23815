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
    expect(await fulfill(call)).toEqual({ ok: false, message: REASONS.unreachable, uncertain: true });
    expect(sent).toHaveLength(4);
    expect(logs[0]).toContain('could not reach the server');
  });

  it('times out a request that hangs, and says so', async () => {
    const { fulfill, sent } = client(['hang', 'hang'], { timeoutMs: 20, retries: 1 });
    expect(await fulfill(call)).toEqual({ ok: false, message: REASONS.timeout, uncertain: true });
    expect(sent).toHaveLength(2);
  });

  it('a per-action timeout wins over the default', async () => {
    const { fulfill } = client(['hang'], { timeoutMs: 60_000, actionTimeoutsMs: { create_refund: 20 }, retries: 0 });
    expect(await fulfill(call)).toEqual({ ok: false, message: REASONS.timeout, uncertain: true });
  });

  it('malformed JSON is asked again (same key); an answer outside the protocol is an error with a log line', async () => {
    const garbled = client([{ raw: '{"status": "ok"' }, { body: { status: 'ok', slots: { refund_id: 'R5' } } }]);
    expect(await garbled.fulfill(call)).toEqual({ ok: true, slots: { refund_id: 'R5' } });
    expect(garbled.sent).toHaveLength(2);
    const broken = client([{ raw: '<html>' }, { raw: '<html>' }], { retries: 1 });
    expect(await broken.fulfill(call)).toEqual({ ok: false, message: REASONS.unreadable, uncertain: true });
    const wrong = client([{ body: { status: 'ok', slots: { refund_id: { nested: true } } } }]);
    expect(await wrong.fulfill(call)).toEqual({ ok: false, message: REASONS.unreadable, uncertain: true });
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
    for (let i = 0; i < 3; i++) expect(await c.fulfill(call)).toEqual({ ok: false, message: REASONS.unreachable, uncertain: true });
    expect(c.sent).toHaveLength(3);
    expect(await c.fulfill(call)).toEqual({ ok: false, message: REASONS.unavailable, unavailable: true });
    expect(c.sent).toHaveLength(3); // nothing sent while open
    c.advance(30_001);
    expect(await c.fulfill(call)).toEqual({ ok: false, message: REASONS.unreachable, uncertain: true }); // the probe fails: open again
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

  it.each([401, 403, 404, 413, 422])('a %i is a refusal: not retried, and it does not open the breaker', async (status) => {
    const replies = Array.from({ length: 8 }, () => ({ status, raw: 'Not here' }));
    const c = client(replies, { retries: 3, breaker: { failures: 2, openMs: 30_000 } });
    for (let i = 0; i < 3; i++) expect(await c.fulfill(call)).toEqual({ ok: false, message: REASONS.rejected });
    expect(c.sent).toHaveLength(3); // one attempt each, and the third still went out: the breaker stayed closed
  });

  it('does not follow redirects (the page headers must not go to another address)', async () => {
    const c = client([]);
    await c.fulfill(call);
    expect((c.calls.mock.calls[0]![1] as RequestInit).redirect).toBe('error');
  });

  it('refuses an answer larger than its limit, whether declared or streamed, without reading it all', async () => {
    const big = JSON.stringify({ status: 'ok', messages: ['x'.repeat(5000)] });
    const declared = client([{ raw: big, headers: { 'Content-Length': String(big.length) } }], { maxResponseBytes: 1024 });
    expect(await declared.fulfill(call)).toEqual({ ok: false, message: REASONS.unreadable, uncertain: true });
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new TextEncoder().encode('x'.repeat(512)));
      },
    });
    const streamed = createFulfillmentClient(URL_, { fetch: async () => new Response(endless), network: { isOnline: () => true, onceOnline: async () => {} }, log: () => {}, maxResponseBytes: 4096 });
    expect(await streamed(call)).toEqual({ ok: false, message: REASONS.unreadable, uncertain: true });
    expect(pulled).toBeLessThan(20);
  });

  it('one breaker probe at a time: a call that started before the breaker opened does not let a second probe out', async () => {
    let release: (response: Response) => void = () => {};
    let sent = 0;
    let failing = true;
    const fetch = (async () => {
      sent++;
      if (sent === 1) return new Promise<Response>((resolve) => (release = resolve)); // a slow call, out before the outage
      if (failing) throw new TypeError('down');
      return new Promise<Response>(() => {}); // the probe: out, never answering
    }) as unknown as typeof globalThis.fetch;
    let clock = 0;
    const fulfill = createFulfillmentClient(URL_, { fetch, retries: 0, breaker: { failures: 1, openMs: 1000 }, now: () => clock, log: () => {}, network: { isOnline: () => true, onceOnline: async () => {} } });
    const slow = fulfill(call);
    expect(await fulfill(call)).toMatchObject({ ok: false }); // fails: the breaker opens
    clock = 2000;
    failing = false;
    void fulfill(call); // the probe
    await new Promise((resolve) => setTimeout(resolve, 0));
    release(new Response(JSON.stringify({ status: 'ok' }))); // the slow call ends while the probe is out
    await slow;
    expect(await fulfill(call)).toEqual({ ok: false, message: REASONS.unavailable, unavailable: true });
    expect(sent).toBe(3);
  });

  it('a cancelled call sends nothing more: not after an offline wait, not as a retry', async () => {
    let online = false;
    const network: Network = { isOnline: () => online, onceOnline: () => new Promise<void>(() => {}) };
    const offline = client([], { network });
    const controller = new AbortController();
    const pending = offline.fulfill(call, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    expect(await pending).toMatchObject({ ok: false, cancelled: true });
    online = true;
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(offline.sent).toHaveLength(0);

    const retrying = new AbortController();
    const c = client([{ status: 503, body: { status: 'error', message: 'down' } }], { sleep: () => new Promise((resolve) => setTimeout(resolve, 50)) });
    const failing = c.fulfill(call, { signal: retrying.signal });
    await new Promise((resolve) => setTimeout(resolve, 10));
    retrying.abort();
    expect(await failing).toEqual({ ok: false, message: REASONS.cancelled, cancelled: true, uncertain: true });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(c.sent).toHaveLength(1);
  });

  it("fits every attempt and wait within the caller's budget, so it never answers after the caller gave up", async () => {
    const c = client(['hang', 'hang', 'hang', 'hang'], { timeoutMs: 8000, retries: 3, backoff: { baseMs: 400, maxMs: 8000 } });
    const started = Date.now();
    const result = await c.fulfill(call, { budgetMs: 60 });
    expect(result).toEqual({ ok: false, message: REASONS.timeout, uncertain: true });
    // The first attempt was cut to the budget (not 8 s), and no retry could fit after it.
    expect(c.sent).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('clearCache() forgets every cached answer', async () => {
    const c = client([{ body: { status: 'ok', slots: { order_state: 'shipped' } } }, { body: { status: 'ok', slots: { order_state: 'delivered' } } }]);
    const cached = { ...call, action: 'order_status', cacheTtlMs: 60_000 };
    await c.fulfill(cached);
    await c.fulfill(cached);
    expect(c.sent).toHaveLength(1);
    c.fulfill.clearCache();
    expect(await c.fulfill(cached)).toEqual({ ok: true, slots: { order_state: 'delivered' } });
    expect(c.sent).toHaveLength(2);
  });

  it('a "retry" answer may mean the request is running elsewhere: when retries run out the outcome is unknown; after 429s it is not', async () => {
    const busy = client(Array.from({ length: 4 }, () => ({ status: 503, body: { status: 'retry', retryAfterSeconds: 0 } })), { retries: 1 });
    expect(await busy.fulfill(call)).toEqual({ ok: false, message: REASONS.unavailable, uncertain: true });
    const running = client(Array.from({ length: 4 }, () => ({ status: 200, body: { status: 'retry' } })), { retries: 1 });
    expect(await running.fulfill(call)).toMatchObject({ ok: false, uncertain: true });
    const limited = client(Array.from({ length: 4 }, () => ({ status: 429, body: { status: 'error', message: 'slow down' } })), { retries: 1 });
    expect(await limited.fulfill(call)).toEqual({ ok: false, message: REASONS.rateLimited });
  });
});
