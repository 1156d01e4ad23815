import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from '../conversation/types';
import { initialState } from '../dialogue/engine';
import { onHostilePage } from '../test/hostile-page';
import { redact } from './redact';
import { openDatabase } from './schema';
import { openSessionStore, SESSION_FORMAT } from './session-store';

const BOT = '/models/acme/';
const NOW = Date.parse('2026-12-01T10:00:00Z');
const message = (id: string, from: 'user' | 'bot', text: string): ChatMessage => ({ id, from, text, at: NOW });
const state = (turn: number) => ({ ...initialState('s1', NOW), turn, slots: { order_id: 'A12345' } });

describe('session store (IndexedDB)', () => {
  it('writes turns and resumes the latest session with its messages in order', async () => {
    const indexedDB = new IDBFactory();
    const store = await openSessionStore({ indexedDB, now: () => NOW });
    await store.saveTurn({ bot: BOT, state: state(1), messages: [message('1', 'user', 'where is my order'), message('2', 'bot', 'Which order?')], events: [{ type: 'ask' }] });
    await store.saveTurn({ bot: BOT, state: state(2), messages: [message('3', 'user', 'A12345')] });
    expect(store.health()).toEqual({ persistent: true });
    store.close();

    const reopened = await openSessionStore({ indexedDB, now: () => NOW + 60_000 });
    const latest = await reopened.latest(BOT, 30 * 60_000);
    expect(latest && !latest.corrupt && latest.messages.map((m) => m.text)).toEqual(['where is my order', 'Which order?', 'A12345']);
    expect(latest && !latest.corrupt && latest.session.state.turn).toBe(2);
    expect(await reopened.latest('/models/other/', 30 * 60_000)).toBeNull();
    expect(await reopened.latest(BOT, 1000)).toBeNull(); // older than the session expiry
  });

  it('a turn is written whole or not at all', async () => {
    const indexedDB = new IDBFactory();
    const store = await openSessionStore({ indexedDB, now: () => NOW });
    await store.saveTurn({ bot: BOT, state: state(1), messages: [message('1', 'user', 'hello')] });
    // The second message cannot be stored (a function is not cloneable): the transaction aborts.
    const broken = { ...message('3', 'bot', 'x'), quickReplies: [{ id: 'a', label: 'b', run: () => {} }] } as unknown as ChatMessage;
    await store.saveTurn({ bot: BOT, state: state(2), messages: [message('2', 'user', 'more'), broken] });
    expect(store.health()).toMatchObject({ persistent: false, reason: 'error' });

    const db = await openDBWith(indexedDB);
    expect((await db.getAll('messages')).map((r) => r.message.text)).toEqual(['hello']);
    expect((await db.get('sessions', 's1'))?.state.turn).toBe(1);
    db.close();
  });

  it('migrates a version 1 database and keeps its data', async () => {
    const indexedDB = new IDBFactory();
    const old = await openDBWith(indexedDB, 1);
    await old.put('sessions', { id: 's1', bot: BOT, state: state(3), createdAt: NOW, updatedAt: NOW });
    await old.put('messages', { sessionId: 's1', seq: 0, message: message('1', 'user', 'kept across the upgrade') });
    old.close();

    const store = await openSessionStore({ indexedDB, now: () => NOW });
    const latest = await store.latest(BOT, 60_000);
    expect(latest && !latest.corrupt && latest.messages[0]?.text).toBe('kept across the upgrade');
    await store.saveTurn({ bot: BOT, state: state(4), messages: [], events: [{ type: 'handoff', detail: 'rule' }] });
    store.close();
    const db = await openDBWith(indexedDB);
    expect(db.version).toBe(2);
    expect(await db.getAll('events')).toMatchObject([{ sessionId: 's1', type: 'handoff', detail: 'rule' }]);
    db.close();
  });

  it('a corrupt session is deleted and reported, not thrown', async () => {
    const indexedDB = new IDBFactory();
    const store = await openSessionStore({ indexedDB, now: () => NOW });
    await store.saveTurn({ bot: BOT, state: state(1), messages: [message('1', 'user', 'hi')] });
    store.close();
    const db = await openDBWith(indexedDB);
    await db.put('sessions', { id: 's1', bot: BOT, state: { sessionId: 42 } as never, createdAt: NOW, updatedAt: NOW });
    db.close();

    const reopened = await openSessionStore({ indexedDB, now: () => NOW });
    expect(await reopened.latest(BOT, 60_000)).toEqual({ corrupt: true });
    expect(await reopened.latest(BOT, 60_000)).toBeNull();
    expect(reopened.health()).toEqual({ persistent: true });
  });

  it('resumes a session on a page that added methods to Object.prototype and Array.prototype', async () => {
    const indexedDB = new IDBFactory();
    const store = await openSessionStore({ indexedDB, now: () => NOW });
    await store.saveTurn({ bot: BOT, state: state(1), messages: [message('1', 'user', 'where is my order'), message('2', 'bot', 'Which order?')] });
    store.close();
    const reopened = await openSessionStore({ indexedDB, now: () => NOW });
    const latest = await onHostilePage(() => reopened.latest(BOT, 60_000));
    expect(latest && !latest.corrupt && latest.messages.map((m) => m.text)).toEqual(['where is my order', 'Which order?']);
  });

  it('purges sessions past the retention period, and forget() deletes everything', async () => {
    const indexedDB = new IDBFactory();
    let now = NOW;
    const store = await openSessionStore({ indexedDB, now: () => now });
    await store.saveTurn({ bot: BOT, state: { ...state(1), sessionId: 'old' }, messages: [message('1', 'user', 'old')] });
    now += 31 * 24 * 3600_000;
    await store.saveTurn({ bot: BOT, state: { ...state(1), sessionId: 'new' }, messages: [message('2', 'user', 'new')] });
    expect(await store.purge(now - 30 * 24 * 3600_000)).toBe(1);
    const db = await openDBWith(indexedDB);
    expect((await db.getAll('messages')).map((r) => r.message.text)).toEqual(['new']);
    db.close();

    await store.forget();
    expect(await store.latest(BOT, Infinity)).toBeNull();
    const after = await openDBWith(indexedDB);
    expect(await after.count('sessions')).toBe(0);
    expect(await after.count('messages')).toBe(0);
    after.close();
  });

  it('forget() in one tab leaves the other tabs able to store (the database is cleared, not deleted)', async () => {
    const indexedDB = new IDBFactory();
    const [one, other] = [await openSessionStore({ indexedDB, now: () => NOW }), await openSessionStore({ indexedDB, now: () => NOW })];
    await other.saveTurn({ bot: BOT, state: state(1), messages: [message('1', 'user', 'before')] });
    await one.forget();
    expect(await other.latest(BOT, 60_000)).toBeNull();
    await other.saveTurn({ bot: BOT, state: state(2), messages: [message('2', 'user', 'after')] });
    expect(other.health()).toEqual({ persistent: true });
    const latest = await one.latest(BOT, 60_000);
    expect(latest && !latest.corrupt && latest.messages.map((m) => m.text)).toEqual(['after']);
  });

  it('redacts card numbers, emails and phone numbers in what it stores when asked', async () => {
    expect(redact('card 4111 1111 1111 1111, mail bob@example.com, call +44 20 7946 0958, order A12345, 1234 5678 9012 3456')).toBe(
      'card [card number], mail [email], call [phone], order A12345, 1234 5678 9012 3456',
    );
    const indexedDB = new IDBFactory();
    const store = await openSessionStore({ indexedDB, now: () => NOW, redact: true });
    await store.saveTurn({ bot: BOT, state: state(1), messages: [message('1', 'user', 'my email is bob@example.com')] });
    const latest = await store.latest(BOT, 60_000);
    expect(latest && !latest.corrupt && latest.messages[0]?.text).toBe('my email is [email]');
  });
});

describe('a redacting store keeps no personal data, in messages or in the dialogue state', () => {
  it("redacts the slots and a bot's markdown-escaped echo, keeps dates and order numbers, and leaves out slots that held personal data", async () => {
    const indexedDB = new IDBFactory();
    const store = await openSessionStore({ indexedDB, now: () => NOW, redact: true, locale: 'en-US' });
    const withSlots = {
      ...state(2),
      slots: { order_id: 'A12345', email: 'jane.doe@example.com', refund_reason: 'call me on (555) 123-4567', call_date: '2026-11-25', iban: 'DE89 3704 0044 0532 0130 00' },
      pendingSwitch: { flow: 'contact', slots: { phone: '+44 20 7946 0958' } },
    };
    await store.saveTurn({
      bot: BOT,
      state: withSlots,
      messages: [message('1', 'user', 'jane.doe@example.com, card 4111.1111.1111.1111'), message('2', 'bot', 'We will write to jane\\.doe@example\\.com on 2026\\-11\\-25.')],
    });
    const db = await openDBWith(indexedDB);
    const raw = JSON.stringify([await db.getAll('sessions'), await db.getAll('messages')]);
    db.close();
    for (const secret of ['jane', '4111', '555', '7946', '3704', 'DE89']) expect(raw, secret).not.toContain(secret);
    const latest = await store.latest(BOT, 60_000);
    expect(latest && !latest.corrupt && latest.session.state.slots).toEqual({ order_id: 'A12345', call_date: '2026-11-25' });
    expect(latest && !latest.corrupt && latest.session.state.pendingSwitch).toEqual({ flow: 'contact', slots: {} });
    expect(latest && !latest.corrupt && latest.messages.map((m) => m.text)).toEqual(['[email], card [card number]', 'We will write to [email] on 2026\\-11\\-25.']);
  });
});

describe('session store degradation: it keeps working in memory and says why', () => {
  it('no IndexedDB at all', async () => {
    const store = await openSessionStore({ indexedDB: null as unknown as IDBFactory, now: () => NOW });
    expect(store.health()).toMatchObject({ persistent: false, reason: 'unavailable' });
    await store.saveTurn({ bot: BOT, state: state(1), messages: [message('1', 'user', 'in memory')] });
    const latest = await store.latest(BOT, 60_000);
    expect(latest && !latest.corrupt && latest.messages[0]?.text).toBe('in memory');
  });

  it('IndexedDB refuses to open (private mode, disabled)', async () => {
    const refusing = { open: () => { throw new DOMException('The user denied permission to access the database.', 'SecurityError'); } } as unknown as IDBFactory;
    const store = await openSessionStore({ indexedDB: refusing, now: () => NOW });
    expect(store.health()).toMatchObject({ persistent: false, reason: 'unavailable' });
    await store.saveTurn({ bot: BOT, state: state(1), messages: [message('1', 'user', 'still here')] });
    const latest = await store.latest(BOT, 60_000);
    expect(latest && !latest.corrupt && latest.messages[0]?.text).toBe('still here');
  });

  it('quota exceeded: the turn is kept in memory and the store says so', async () => {
    const indexedDB = new IDBFactory();
    const store = await openSessionStore({ indexedDB, now: () => NOW });
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    try {
      await store.saveTurn({ bot: BOT, state: state(1), messages: [message('1', 'user', 'kept anyway')] });
    } finally {
      put.mockRestore();
    }
    expect(store.health()).toMatchObject({ persistent: false, reason: 'quota' });
    const latest = await store.latest(BOT, 60_000);
    expect(latest && !latest.corrupt && latest.messages.map((m) => m.text)).toEqual(['kept anyway']);
  });

  it('an old tab keeps the database open at an older version: the upgrade is blocked, the store waits a little, then uses memory', async () => {
    const indexedDB = new IDBFactory();
    const oldTab = await openDBWith(indexedDB, 1); // never closes, like a tab running an old Parley
    const store = await openSessionStore({ indexedDB, now: () => NOW, openTimeoutMs: 200 });
    expect(store.health()).toMatchObject({ persistent: false, reason: 'blocked' });
    await store.saveTurn({ bot: BOT, state: state(1), messages: [message('1', 'user', 'no crash')] });
    oldTab.close();
  });

  it('a database that opens after the store gave up waiting is closed at once: it would block the next upgrade', async () => {
    const indexedDB = new IDBFactory();
    const oldTab = await openDBWith(indexedDB, 1);
    oldTab.onversionchange = () => undefined; // an old release that does not step aside
    const store = await openSessionStore({ indexedDB, now: () => NOW, openTimeoutMs: 100 });
    expect(store.health()).toMatchObject({ reason: 'blocked' });
    oldTab.close(); // the old tab goes away: the store's late open now succeeds
    await new Promise((resolve) => setTimeout(resolve, 50));
    // A newer release upgrading: blocked for good if the late connection were still open.
    const upgraded = await Promise.race([
      new Promise<string>((resolve) => {
        const request = indexedDB.open('parley', 99);
        request.onsuccess = () => {
          request.result.close();
          resolve('upgraded');
        };
        request.onblocked = () => resolve('blocked');
      }),
      new Promise<string>((resolve) => setTimeout(() => resolve('still waiting'), 1000)),
    ]);
    expect(upgraded).toBe('upgraded');
  });

  it("a session written by a newer release (a newer record format) is neither resumed nor deleted", async () => {
    const indexedDB = new IDBFactory();
    const db = await openDBWith(indexedDB);
    await db.put('sessions', { id: 'newer', bot: BOT, state: { ...state(1), futureField: { shape: 'unknown here' } } as never, format: SESSION_FORMAT + 1, createdAt: NOW, updatedAt: NOW });
    await db.put('messages', { sessionId: 'newer', seq: 0, message: { id: 'm', from: 'user', text: 'from the future', at: NOW, kind: 'new' } as never });
    const store = await openSessionStore({ indexedDB, now: () => NOW });
    expect(await store.latest(BOT, 60_000)).toBeNull();
    expect(await db.get('sessions', 'newer')).toBeDefined();
    db.close();
  });

  it('forget() deletes the database when it cannot be cleared, and rejects when neither works', async () => {
    const indexedDB = new IDBFactory();
    const store = await openSessionStore({ indexedDB, now: () => NOW });
    await store.saveTurn({ bot: BOT, state: state(1), messages: [message('1', 'user', 'to be forgotten')] });
    const transaction = vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(() => {
      throw new DOMException('The database connection is closing.', 'InvalidStateError');
    });
    try {
      await store.forget();
    } finally {
      transaction.mockRestore();
    }
    const reopened = await openSessionStore({ indexedDB, now: () => NOW });
    expect(await reopened.latest(BOT, Infinity)).toBeNull();

    const stuck = await openSessionStore({ indexedDB, now: () => NOW, openTimeoutMs: 100 });
    const blocker = await openDBWith(indexedDB);
    blocker.onversionchange = () => undefined; // another tab that never lets go
    const refuse = vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(() => {
      throw new DOMException('The database connection is closing.', 'InvalidStateError');
    });
    try {
      await expect(stuck.forget()).rejects.toThrow(/another tab of this site keeps them open/);
    } finally {
      refuse.mockRestore();
      blocker.close();
      reopened.close();
    }
  });
});

function openDBWith(indexedDB: IDBFactory, version?: number) {
  return openDatabase(indexedDB, version === undefined ? {} : { version });
}
