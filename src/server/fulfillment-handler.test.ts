import { describe, expect, it, vi } from 'vitest';
import { createFulfillmentHandler, FulfillmentError, memoryIdempotencyStore, type Action, type ActionResult, type FulfillmentHandlerOptions, type IdempotencyStore, type StoredAnswer } from './fulfillment-handler';

const body = (overrides: Record<string, unknown> = {}) => ({ protocol: 1, action: 'create_refund', sessionId: 's1', requestId: 'r1', slots: { order_id: 'A12345' }, intent: null, entities: [], locale: 'en', ...overrides });

function post(json: unknown, headers: Record<string, string> = {}): Request {
  return new Request('https://shop.example/api/fulfillment', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'key-1', ...headers },
    body: typeof json === 'string' ? json : JSON.stringify(json),
  });
}

function setup(action: Action = () => ({ slots: { refund_id: 'R1000' } })) {
  const spy = vi.fn(action);
  const onError = vi.fn();
  const handler = createFulfillmentHandler({ actions: { create_refund: spy }, onError, cors: { origins: ['https://shop.example'] } });
  return { handler, spy, onError };
}

describe('fulfillment handler', () => {
  it('runs the action and answers the protocol response', async () => {
    const { handler, spy } = setup();
    const response = await handler(post(body()));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', slots: { refund_id: 'R1000' } });
    expect(spy.mock.calls[0]![1].idempotencyKey).toBe('key-1');
  });

  it('a repeated Idempotency-Key gets the stored answer and does not run the action again', async () => {
    const { handler, spy } = setup();
    await handler(post(body()));
    const again = await handler(post(body()));
    expect(await again.json()).toEqual({ status: 'ok', slots: { refund_id: 'R1000' } });
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('the same request delivered twice at once runs once; both get the answer', async () => {
    let release: () => void = () => {};
    const { handler, spy } = setup(() => new Promise((resolve) => (release = () => resolve({ slots: { refund_id: 'R7' } }))));
    const [first, second] = [handler(post(body())), handler(post(body()))];
    await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    const answers = await Promise.all([first, second].map(async (p) => (await p).json()));
    expect(answers).toEqual([{ status: 'ok', slots: { refund_id: 'R7' } }, { status: 'ok', slots: { refund_id: 'R7' } }]);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('refuses a key reused for another request', async () => {
    const { handler } = setup();
    await handler(post(body()));
    const other = await handler(post(body({ slots: { order_id: 'B77777' } })));
    expect(other.status).toBe(422);
  });

  it('a thrown error is a safe 500 that is not stored (the retry runs the action again); a FulfillmentError is shown', async () => {
    let calls = 0;
    const { handler, onError } = setup(() => {
      if (++calls === 1) throw new Error('SQLITE_BUSY: database is locked at /var/app/db.ts:42');
      return { slots: { refund_id: 'R2' } };
    });
    const failed = await handler(post(body()));
    expect(failed.status).toBe(500);
    expect(JSON.stringify(await failed.json())).not.toContain('SQLITE');
    expect(onError).toHaveBeenCalledTimes(1);
    expect(await (await handler(post(body()))).json()).toEqual({ status: 'ok', slots: { refund_id: 'R2' } });

    const told = setup(() => {
      throw new FulfillmentError('we have no order A99999');
    });
    const answer = await told.handler(post(body()));
    expect([answer.status, await answer.json()]).toEqual([200, { status: 'error', message: 'we have no order A99999' }]);
  });

  it.each([
    ['no Idempotency-Key', post(body(), { 'Idempotency-Key': '' }), 400, /Idempotency-Key/],
    ['not JSON', post('{"protocol": 1,'), 400, /not valid JSON/],
    ['a request outside the protocol', post(body({ slots: { order_id: { $gt: '' } } })), 400, /invalid request: slots\.order_id/],
    ['another protocol version', post(body({ protocol: 2 })), 400, /protocol/],
    ['an unknown action', post(body({ action: 'drop_tables' })), 404, /cannot do "drop_tables"/],
    ['a huge body', post(body({ slots: { note: 'x'.repeat(70_000) } })), 413, /too large/],
  ])('answers %s with a clear error', async (_, request, status, message) => {
    const { handler, spy } = setup();
    const response = await handler(request);
    expect(response.status).toBe(status);
    const json = (await response.json()) as { status: string; message: string };
    expect(json.status).toBe('error');
    expect(json.message).toMatch(message);
    expect(spy).not.toHaveBeenCalled();
  });

  it('answers CORS preflights for allowed origins only, and refuses other methods', async () => {
    const { handler } = setup();
    const preflight = (origin: string) => handler(new Request('https://api.example/f', { method: 'OPTIONS', headers: { Origin: origin } }));
    expect((await preflight('https://shop.example')).headers.get('Access-Control-Allow-Origin')).toBe('https://shop.example');
    expect((await preflight('https://evil.example')).headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect((await handler(new Request('https://api.example/f'))).status).toBe(405);
  });
});

/** A request body produced on demand, counting what the handler pulled from it. */
function streamedPost(chunks: number, chunkBytes: number, headers: Record<string, string> = {}) {
  let pulled = 0;
  let sent = 0;
  const chunk = new Uint8Array(chunkBytes).fill(0x20);
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === chunks) return controller.close();
      sent++;
      pulled += chunkBytes;
      controller.enqueue(chunk);
    },
  });
  const request = new Request('https://shop.example/api/fulfillment', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'key-1', ...headers },
    body,
    duplex: 'half',
  } as RequestInit);
  return { request, pulled: () => pulled };
}

/** The answer, or 'no answer' if there is none after `ms` (the handler must never hang). */
async function within(ms: number, pending: Promise<Response>): Promise<Response | 'no answer'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'no answer'>((resolve) => (timer = setTimeout(() => resolve('no answer'), ms)));
  try {
    return await Promise.race([pending, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('fulfillment handler under hostile input', () => {
  it('reads a streamed body only up to the limit: 100 MB are refused after about 64 KiB', async () => {
    const { handler, spy } = setup();
    const { request, pulled } = streamedPost(1600, 64 * 1024);
    const response = await handler(request);
    expect(response.status).toBe(413);
    expect(pulled()).toBeLessThanOrEqual(3 * 64 * 1024);
    expect(spy).not.toHaveBeenCalled();
  });

  it('refuses a declared Content-Length above the limit without reading the body', async () => {
    const { handler } = setup();
    const { request, pulled } = streamedPost(1600, 64 * 1024, { 'Content-Length': String(100 * 1024 * 1024) });
    const response = await within(5000, handler(request));
    expect(response === 'no answer' ? response : response.status).toBe(413);
    // A ReadableStream asks its source for one chunk up front; nothing more is read.
    expect(pulled()).toBeLessThanOrEqual(64 * 1024);
  });

  it('a body that stops arriving is answered 408 (retry) once bodyTimeoutMs has passed', async () => {
    const onError = vi.fn();
    const handler = createFulfillmentHandler({ actions: { create_refund: () => undefined }, onError, bodyTimeoutMs: 50 } as FulfillmentHandlerOptions);
    const stalled = new Request('https://shop.example/api/fulfillment', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'key-1' },
      body: new ReadableStream<Uint8Array>({ start: (controller) => controller.enqueue(new TextEncoder().encode('{"protocol": 1,')) }),
      duplex: 'half',
    } as RequestInit);
    const response = await within(5000, handler(stalled));
    expect(response === 'no answer' ? response : [response.status, await response.json()]).toEqual([408, { status: 'retry', retryAfterSeconds: 1, message: 'the request took too long to arrive' }]);
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('does not take "%s" (inherited from Object) for an action', async (name) => {
    const { handler, spy } = setup();
    const response = await handler(post(body({ action: name })));
    expect(response.status).toBe(404);
    expect(spy).not.toHaveBeenCalled();
  });

  it('stores nothing for an unknown action, and does not echo a long action name', async () => {
    const { handler, spy } = setup();
    const unknown = await handler(post(body({ action: 'x'.repeat(90) })));
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { message: string }).message.length).toBeLessThan(120);
    // The same key for a real request is not taken as reused: the 404 was not kept.
    const real = await handler(post(body()));
    expect([real.status, await real.json()]).toEqual([200, { status: 'ok', slots: { refund_id: 'R1000' } }]);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('does not echo unbounded caller text in a validation message, nor accept oversized names and keys', async () => {
    const { handler, spy } = setup();
    const huge = await handler(post(body({ protocol: 'x'.repeat(50_000) })));
    expect(huge.status).toBe(400);
    expect(((await huge.json()) as { message: string }).message.length).toBeLessThan(300);
    const longAction = await handler(post(body({ action: 'a'.repeat(10_000) })));
    expect(longAction.status).toBe(400);
    expect(((await longAction.json()) as { message: string }).message.length).toBeLessThan(300);
    expect((await handler(post(body(), { 'Idempotency-Key': 'k'.repeat(300) }))).status).toBe(400);
    expect(spy).not.toHaveBeenCalled();
  });

  it('accepts only a JSON content type, not any type that mentions json', async () => {
    const { handler } = setup();
    expect((await handler(post(body(), { 'Content-Type': 'text/plain; note=json' }))).status).toBe(415);
    expect((await handler(post(body(), { 'Content-Type': 'application/json; charset=utf-8' }))).status).toBe(200);
  });
});

describe('memory idempotency store', () => {
  it('keeps at most maxEntries answers, dropping the oldest', async () => {
    const spy = vi.fn<Action>(({ slots }) => ({ slots: { echo: String(slots.order_id) } }));
    const handler = createFulfillmentHandler({ actions: { create_refund: spy }, idempotency: memoryIdempotencyStore({ maxEntries: 3 }) });
    for (const n of [1, 2, 3, 4, 5]) await handler(post(body({ slots: { order_id: `A${n}` } }), { 'Idempotency-Key': `k${n}` }));
    expect(spy).toHaveBeenCalledTimes(5);
    const newest = await handler(post(body({ slots: { order_id: 'A5' } }), { 'Idempotency-Key': 'k5' }));
    expect(newest.headers.get('Idempotent-Replayed')).toBe('true');
    expect(spy).toHaveBeenCalledTimes(5);
    const oldest = await handler(post(body({ slots: { order_id: 'A1' } }), { 'Idempotency-Key': 'k1' }));
    expect(oldest.headers.get('Idempotent-Replayed')).toBeNull();
    expect(spy).toHaveBeenCalledTimes(6);
  });

  it('keeps at most maxBytes of answers, dropping the oldest', async () => {
    const spy = vi.fn<Action>(() => ({ messages: ['m'.repeat(1000)] }));
    const handler = createFulfillmentHandler({ actions: { create_refund: spy }, idempotency: memoryIdempotencyStore({ maxBytes: 10_000 }) });
    for (let n = 0; n < 20; n++) await handler(post(body(), { 'Idempotency-Key': `k${n}` }));
    await handler(post(body(), { 'Idempotency-Key': 'k19' }));
    expect(spy).toHaveBeenCalledTimes(20);
    await handler(post(body(), { 'Idempotency-Key': 'k0' }));
    expect(spy).toHaveBeenCalledTimes(21);
  });

  it('forgets answers older than ttlMs, including keys never asked for again', async () => {
    let clock = 0;
    const store = memoryIdempotencyStore({ ttlMs: 1000, maxEntries: 2, now: () => clock });
    const claim = (key: string) => store.claim(key, { fingerprint: 'f', token: `t-${key}`, ttlMs: 100 });
    expect(await claim('a')).toEqual({ state: 'claimed' });
    await store.complete('a', 't-a', { fingerprint: 'f', status: 200, body: { status: 'ok' } });
    expect(await claim('a')).toEqual({ state: 'answered', answer: { fingerprint: 'f', status: 200, body: { status: 'ok' } } });
    clock = 1001;
    expect(await claim('a')).toEqual({ state: 'claimed' });
    // An unfinished claim expires after its own ttl (an instance that crashed), then can be claimed again.
    expect(await claim('b')).toEqual({ state: 'claimed' });
    expect(await store.claim('b', { fingerprint: 'f', token: 'other', ttlMs: 100 })).toEqual({ state: 'in-flight', fingerprint: 'f' });
    clock = 1200;
    expect(await store.claim('b', { fingerprint: 'f', token: 'other', ttlMs: 100 })).toEqual({ state: 'claimed' });
    // The first claimant, come back late, cannot overwrite or drop the new claim.
    await store.complete('b', 't-b', { fingerprint: 'f', status: 200, body: { status: 'ok', slots: { stale: true } } });
    await store.release('b', 't-b');
    expect(await store.claim('b', { fingerprint: 'f', token: 'third', ttlMs: 100 })).toEqual({ state: 'in-flight', fingerprint: 'f' });
  });
});

describe('at most once across instances sharing one store', () => {
  function instances(store: IdempotencyStore, action: Action, extra: Partial<FulfillmentHandlerOptions> = {}) {
    const spy = vi.fn(action);
    const onError = vi.fn();
    const make = () => createFulfillmentHandler({ actions: { create_refund: spy }, idempotency: store, onError, ...extra });
    return { first: make(), second: make(), spy, onError };
  }

  it('a delivery to a second instance while the first runs the action answers retry; afterwards it replays', async () => {
    let finish: () => void = () => {};
    const { first, second, spy } = instances(memoryIdempotencyStore(), () => new Promise((resolve) => (finish = () => resolve({ slots: { refund_id: 'R9' } }))));
    const running = first(post(body()));
    await vi.waitFor(() => expect(spy).toHaveBeenCalledTimes(1));
    const meanwhile = await second(post(body()));
    expect([meanwhile.status, meanwhile.headers.get('Retry-After'), await meanwhile.json()]).toEqual([503, '1', { status: 'retry', retryAfterSeconds: 1, message: 'this request is still being answered' }]);
    finish();
    expect(await (await running).json()).toEqual({ status: 'ok', slots: { refund_id: 'R9' } });
    const later = await second(post(body()));
    expect([later.headers.get('Idempotent-Replayed'), await later.json()]).toEqual(['true', { status: 'ok', slots: { refund_id: 'R9' } }]);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('many concurrent deliveries to both instances run the action once', async () => {
    const { first, second, spy } = instances(memoryIdempotencyStore(), async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { slots: { refund_id: 'R5' } };
    });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? first : second)(post(body()))));
    expect(spy).toHaveBeenCalledTimes(1);
    expect(answers.filter((answer) => answer.status === 200)).not.toHaveLength(0);
    expect(answers.every((answer) => answer.status === 200 || answer.status === 503)).toBe(true);
  });

  it('the claim of an instance that died expires, and another instance may then run the action', async () => {
    let clock = 0;
    let resumeDead: () => void = () => {};
    let calls = 0;
    const { first, second, spy } = instances(
      memoryIdempotencyStore({ now: () => clock }),
      () => (++calls === 1 ? new Promise((resolve) => (resumeDead = () => resolve({ slots: { refund_id: 'STALE' } }))) : { slots: { refund_id: 'R2' } }),
      { claimTtlMs: 30_000, actionTimeoutMs: 10_000 },
    );
    const dead = first(post(body()));
    await vi.waitFor(() => expect(spy).toHaveBeenCalledTimes(1));
    expect((await second(post(body()))).status).toBe(503);
    clock = 30_001;
    const taken = await second(post(body()));
    expect([taken.status, await taken.json()]).toEqual([200, { status: 'ok', slots: { refund_id: 'R2' } }]);
    // The first instance's late answer does not replace the one that was given.
    resumeDead();
    await dead;
    expect(await (await second(post(body()))).json()).toEqual({ status: 'ok', slots: { refund_id: 'R2' } });
  });

  it('a stuck action times out: a retryable answer, onError is told, the claim is released', async () => {
    let calls = 0;
    let seen: AbortSignal | undefined;
    const { first, second, onError } = instances(
      memoryIdempotencyStore(),
      (_, { signal }) => {
        seen = signal;
        return ++calls === 1 ? new Promise<ActionResult>(() => {}) : { slots: { refund_id: 'R3' } };
      },
      { actionTimeoutMs: 50 },
    );
    const stuck = await within(5000, first(post(body())));
    expect(stuck === 'no answer' ? stuck : [stuck.status, await stuck.json()]).toEqual([503, { status: 'retry', retryAfterSeconds: 1, message: 'something went wrong on our side' }]);
    expect(seen?.aborted).toBe(true);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ name: 'ActionTimeoutError' }), expect.objectContaining({ action: 'create_refund' }));
    const retried = await second(post(body()));
    expect([retried.status, await retried.json()]).toEqual([200, { status: 'ok', slots: { refund_id: 'R3' } }]);
  });

  it('a store that fails answers retry, and onError is told', async () => {
    const broken: IdempotencyStore = {
      claim: () => Promise.reject(new Error('connection refused')),
      complete: () => {},
      release: () => {},
    };
    const { first, spy, onError } = instances(broken, () => undefined);
    const response = await first(post(body()));
    expect([response.status, ((await response.json()) as { status: string }).status]).toEqual([503, 'retry']);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(spy).not.toHaveBeenCalled();
  });

  it('a store with only get and set still replays answers', async () => {
    const kept = new Map<string, StoredAnswer>();
    const spy = vi.fn<Action>(() => ({ slots: { refund_id: 'R4' } }));
    const handler = createFulfillmentHandler({ actions: { create_refund: spy }, idempotency: { get: (key) => kept.get(key), set: (key, answer) => void kept.set(key, answer) } });
    await handler(post(body()));
    const again = await handler(post(body()));
    expect([again.headers.get('Idempotent-Replayed'), await again.json()]).toEqual(['true', { status: 'ok', slots: { refund_id: 'R4' } }]);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(kept.size).toBe(1);
  });
});
