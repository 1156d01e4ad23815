import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFulfillmentHandler, type Action } from '../../src/server';
import { createExampleBackend, exampleOrigins, type ExampleBackend } from './backend';
import { openExampleDatabase, sqliteIdempotencyStore, type ExampleDatabase } from './database';

const DAY = 24 * 60 * 60 * 1000;
/** A day `days` from now, as the widget's date slot gives it. */
const dayFromNow = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

const open: Array<{ db: ExampleDatabase }> = [];
afterEach(() => {
  for (const item of open.splice(0)) item.db.close();
});

async function backend(options: Parameters<typeof createExampleBackend>[0] = {}): Promise<ExampleBackend> {
  const made = await createExampleBackend({ log: () => {}, ...options });
  if (!options.db) open.push(made);
  return made;
}

let keys = 0;
function call(action: string, slots: Record<string, string | number | boolean>, options: { key?: string; sessionId?: string; origin?: string } = {}): Request {
  const key = options.key ?? `key-${++keys}`;
  return new Request('http://localhost/api/fulfillment', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key, ...(options.origin && { Origin: options.origin }) },
    body: JSON.stringify({ protocol: 1, action, sessionId: options.sessionId ?? 'session-1', requestId: key, slots, intent: null, entities: [], locale: 'en' }),
  });
}

async function answer(handler: ExampleBackend['handler'], request: Request): Promise<[number, unknown]> {
  const response = await handler(request);
  return [response.status, await response.json()];
}

const rows = (db: ExampleDatabase, table: 'refunds' | 'password_resets' | 'tickets') => db.count(table);

describe('example backend', () => {
  it('gives ids from a sequence: the id of a deleted refund is never given again', async () => {
    const { handler, db } = await backend();
    expect(await answer(handler, call('create_refund', { order_id: 'A12345' }))).toEqual([200, { status: 'ok', slots: { refund_id: 'R1000' } }]);
    expect(await answer(handler, call('create_refund', { order_id: 'A12346' }))).toEqual([200, { status: 'ok', slots: { refund_id: 'R1001' } }]);
    db.run("DELETE FROM refunds WHERE id = 'R1000'");
    expect(await answer(handler, call('create_refund', { order_id: 'B77777' }))).toEqual([200, { status: 'ok', slots: { refund_id: 'R1002' } }]);
    expect(await answer(handler, call('schedule_call', { call_date: dayFromNow(3), call_time: '10:00:00' }))).toEqual([200, { status: 'ok', slots: { ticket_id: 'T1000' } }]);
  });

  it('keeps counting across a restart on the same file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-backend-'));
    try {
      const first = await createExampleBackend({ dbPath: join(dir, 'db.sqlite'), log: () => {} });
      await answer(first.handler, call('create_refund', { order_id: 'A12345' }));
      first.db.run("DELETE FROM refunds WHERE id = 'R1000'");
      first.db.close();
      const second = await createExampleBackend({ dbPath: join(dir, 'db.sqlite'), log: () => {} });
      expect(await answer(second.handler, call('create_refund', { order_id: 'A12346' }))).toEqual([200, { status: 'ok', slots: { refund_id: 'R1001' } }]);
      second.db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('one refund per order: asked again under another key, it answers the refund made and writes nothing', async () => {
    const { handler, db } = await backend();
    expect(await answer(handler, call('create_refund', { order_id: 'a12345', refund_reason: 'broken' }, { sessionId: 'one' }))).toEqual([200, { status: 'ok', slots: { refund_id: 'R1000' } }]);
    const again = await answer(handler, call('create_refund', { order_id: 'A12345', refund_reason: 'still broken' }, { sessionId: 'two' }));
    expect(again).toEqual([200, { status: 'ok', slots: { refund_id: 'R1000' }, messages: ['Order A12345 already has a refund (R1000), so no second one was made.'] }]);
    expect(rows(db, 'refunds')).toBe(1);
  });

  it.each([
    ['order_status', { order_id: "A1'; DROP TABLE orders; --" }, 'an order number is a letter and five digits, like A12345'],
    ['order_status', {}, 'an order number is a letter and five digits, like A12345'],
    ['order_status', { order_id: 12345 }, 'an order number is a letter and five digits, like A12345'],
    ['create_refund', { order_id: 'A12345', refund_reason: 'x'.repeat(501) }, 'the reason is too long (at most 500 characters)'],
    ['create_refund', { order_id: 'Z99999' }, 'we have no order Z99999'],
    ['password_reset', { email: 'not an address' }, 'that is not an email address'],
    ['password_reset', { email: `${'a'.repeat(250)}@example.com` }, 'that is not an email address'],
    ['password_reset', {}, 'that is not an email address'],
    ['schedule_call', { call_date: '2027-02-30', call_time: '10:00' }, 'that is not a date (like 2026-12-24)'],
    ['schedule_call', { call_date: 'next week', call_time: '10:00' }, 'that is not a date (like 2026-12-24)'],
    ['schedule_call', { call_date: dayFromNow(-3), call_time: '10:00' }, 'that date is in the past'],
    ['schedule_call', { call_date: dayFromNow(400), call_time: '10:00' }, 'we book calls up to a year ahead'],
    ['schedule_call', { call_date: dayFromNow(3), call_time: '25:00' }, 'that is not a time (like 15:30)'],
    ['schedule_call', { call_date: dayFromNow(3), call_time: 'whenever' }, 'that is not a time (like 15:30)'],
  ])('refuses %s with %j in plain words, and writes nothing', async (action, slots, message) => {
    const { handler, db } = await backend();
    expect(await answer(handler, call(action, slots))).toEqual([200, { status: 'error', message }]);
    expect(['refunds', 'password_resets', 'tickets'].map((table) => rows(db, table as 'refunds'))).toEqual([0, 0, 0]);
  });

  it('takes what the widget sends', async () => {
    const { handler } = await backend();
    expect(await answer(handler, call('order_status', { order_id: 'b77777' }))).toEqual([200, { status: 'ok', slots: { order_state: 'delivered', delivery_date: '2026-11-18' } }]);
    expect(await answer(handler, call('password_reset', { email: 'jane.doe@example.com' }))).toEqual([200, { status: 'ok' }]);
    expect((await answer(handler, call('schedule_call', { call_date: dayFromNow(0), call_time: '15:00:00+01:00' })))[0]).toBe(200);
  });
});

describe('allowed origins', () => {
  it('are localhost only unless told otherwise', () => {
    expect(exampleOrigins(undefined)).toEqual(['http://localhost:4173', 'http://127.0.0.1:4173', 'http://localhost:5173', 'http://127.0.0.1:5173']);
    expect(exampleOrigins(' https://shop.example, https://www.shop.example:8443 ')).toEqual(['https://shop.example', 'https://www.shop.example:8443']);
    expect(exampleOrigins('*')).toBe('*');
    expect(() => exampleOrigins('shop.example')).toThrow('"shop.example" is not an origin (like https://shop.example)');
    expect(() => exampleOrigins('https://shop.example/api')).toThrow('"https://shop.example/api" is not an origin (like https://shop.example)');
  });

  it('a page on another origin is not allowed to read the answers', async () => {
    const { handler } = await backend({ cors: { origins: exampleOrigins(undefined) } });
    const preflight = (origin: string) => handler(new Request('http://localhost/api/fulfillment', { method: 'OPTIONS', headers: { Origin: origin } }));
    expect((await preflight('https://evil.example')).headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect((await preflight('http://localhost:4173')).headers.get('Access-Control-Allow-Origin')).toBe('http://localhost:4173');
  });
});

describe('the SQLite idempotency store', () => {
  it('two backends on one database: concurrent deliveries of one refund write it once', async () => {
    const db = await openExampleDatabase();
    open.push({ db });
    const [a, b] = [await backend({ db }), await backend({ db })];
    const deliveries = await Promise.all(Array.from({ length: 10 }, (_, i) => answer((i % 2 ? a : b).handler, call('create_refund', { order_id: 'B77777' }, { key: 'same' }))));
    expect(rows(db, 'refunds')).toBe(1);
    for (const [status, body] of deliveries) {
      expect([200, 503]).toContain(status);
      expect(body).toEqual(status === 200 ? { status: 'ok', slots: { refund_id: 'R1000' } } : { status: 'retry', retryAfterSeconds: 1, message: 'this request is still being answered' });
    }
  });

  it('claims atomically across instances: a slow action runs once, the other instance answers retry, then replays', async () => {
    const db = await openExampleDatabase();
    open.push({ db });
    let finish: () => void = () => {};
    const slow = vi.fn<Action>(() => new Promise((resolve) => (finish = () => resolve({ slots: { done: true } }))));
    const instance = () => createFulfillmentHandler({ actions: { create_refund: slow }, idempotency: sqliteIdempotencyStore(db), onError: () => {} });
    const [first, second] = [instance(), instance()];
    const running = first(call('create_refund', { order_id: 'A12345' }, { key: 'k' }));
    await vi.waitFor(() => expect(slow).toHaveBeenCalledTimes(1));
    expect(await answer(second, call('create_refund', { order_id: 'A12345' }, { key: 'k' }))).toEqual([503, { status: 'retry', retryAfterSeconds: 1, message: 'this request is still being answered' }]);
    finish();
    expect((await running).status).toBe(200);
    const replay = await second(call('create_refund', { order_id: 'A12345' }, { key: 'k' }));
    expect([replay.headers.get('Idempotent-Replayed'), await replay.json()]).toEqual(['true', { status: 'ok', slots: { done: true } }]);
    expect(await answer(second, call('create_refund', { order_id: 'B77777' }, { key: 'k' }))).toEqual([422, { status: 'error', message: 'this Idempotency-Key was used for another request' }]);
    expect(slow).toHaveBeenCalledTimes(1);
  });

  it('a claim left by a crashed instance expires; answers expire after a day; a stale owner cannot finish a new claim', async () => {
    const db = await openExampleDatabase();
    open.push({ db });
    let clock = 1_000_000;
    const store = sqliteIdempotencyStore(db, { now: () => clock });
    const claim = (token: string) => store.claim('k', { fingerprint: 'f', token, ttlMs: 30_000 });
    expect(await claim('crashed')).toEqual({ state: 'claimed' });
    expect(await claim('other')).toEqual({ state: 'in-flight', fingerprint: 'f' });
    clock += 30_001;
    expect(await claim('other')).toEqual({ state: 'claimed' });
    await store.complete('k', 'crashed', { fingerprint: 'f', status: 200, body: { status: 'ok', slots: { stale: true } } });
    await store.release('k', 'crashed');
    expect(await claim('third')).toEqual({ state: 'in-flight', fingerprint: 'f' });
    await store.complete('k', 'other', { fingerprint: 'f', status: 200, body: { status: 'ok' } });
    expect(await claim('third')).toEqual({ state: 'answered', answer: { fingerprint: 'f', status: 200, body: { status: 'ok' } } });
    clock += DAY + 1;
    expect(await claim('fourth')).toEqual({ state: 'claimed' });
    await store.release('k', 'fourth');
    expect(db.all('SELECT key FROM idempotency_keys')).toEqual([]);
  });
});
