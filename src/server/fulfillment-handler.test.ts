import { describe, expect, it, vi } from 'vitest';
import { createFulfillmentHandler, FulfillmentError, type Action } from './fulfillment-handler';

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
