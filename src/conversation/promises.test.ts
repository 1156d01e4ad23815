/**
 * The conversation's promises under faults: a backend call is written ahead and never made twice (a
 * reload while it is out, a deadline, a reset while offline); forget() forgets, before the bot has
 * loaded, in every tab, under the lock, and says when it could not; a storage failure keeps the
 * transcript; what a redacting store keeps is not what this tab shows.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import * as v from 'valibot';
import { describe, expect, it, vi } from 'vitest';
import { DialogueBotSchema } from '../bot/dialogue-schema';
import { createFulfillmentClient, type Network } from '../fulfillment/client';
import type { ParseResult } from '../nlu/parse';
import { openDatabase } from '../store/schema';
import { openSessionStore, type SessionStore } from '../store/session-store';
import { aMenuBot, fetchReturning } from '../test/builders';
import { fakeLocks } from '../test/fake-locks';
import { createConversationWithBot } from './conversation';
import type { FulfillCall, Fulfill } from './dialogue-turn';
import { SYNC_PROTOCOL, type Channel, type Locks } from './session-sync';
import type { ConversationOptions, Understanding } from './types';

const dialogue = v.parse(DialogueBotSchema, {
  intentTitles: { refund: 'Refund', order_status: 'Order status' },
  slots: { order_id: { entity: 'order_id', from_text: true, ask: 'ask_order' }, refund_id: {}, order_state: {}, email: { type: 'email', from_text: true, ask: 'ask_email' } },
  flows: {
    refund: { intent: 'refund', slots: ['order_id'], action: 'create_refund', done: 'refund_done', failed: 'refund_failed', title: 'your refund' },
    order_status: { intent: 'order_status', slots: ['order_id'], action: 'order_status', done: 'order_done', title: 'your order' },
    contact: { intent: 'contact', slots: ['email'], done: 'contact_done', title: 'contact' },
  },
  responses: {
    ask_order: ['What is your order number?'],
    ask_email: ['What is your email?'],
    refund_done: ['Refund {refund_id} is on its way.'],
    refund_failed: ['The refund could not be made: {reason}.'],
    order_done: ['Order {order_id} is {order_state}.'],
    contact_done: ['We will write to {email}.'],
  },
});

const understanding: Understanding = {
  load: async () => ({ stage: 'full', backend: 'wasm', backendReason: 'test', modelBytes: 1, fromCache: false, loadMs: 1, warmupMs: 1 }),
  parse: async (text): Promise<ParseResult> => {
    const order = /[A-Z]\d{5}/.exec(text)?.[0];
    const intent = /refund/.test(text) ? 'refund' : /where is my order/.test(text) ? 'order_status' : /contact/.test(text) ? 'contact' : 'out_of_scope';
    return {
      text,
      stage: 'full',
      intent: { name: intent, confidence: 0.95 },
      ranking: [{ name: intent, confidence: 0.95 }],
      entities: order ? [{ entity: 'order_id', value: order, text: order, start: text.indexOf(order), end: text.indexOf(order) + 6, confidence: 1, extractor: 'model' }] : [],
      timings: { featurizeMs: 0, modelMs: 0, decodeMs: 0, totalMs: 0 },
    };
  },
};

/** Waits until `check` holds (turns, stores and channels settle in their own time), failing after many rounds. */
async function until(check: () => boolean, what: string | (() => string), rounds = 2000): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error(`never happened: ${typeof what === 'string' ? what : what()}`);
}

/** BroadcastChannel between the "tabs" of one test. */
function channelPair(name: string): () => Channel {
  return () => new BroadcastChannel(name) as unknown as Channel;
}

interface TabOptions {
  fulfill?: Fulfill;
  store?: Promise<SessionStore> | SessionStore;
  locks?: Locks;
  channel?: Channel;
  siteChannel?: Channel;
  bot?: string;
  fetch?: typeof fetch;
  more?: Partial<ConversationOptions>;
}

function tab(indexedDB: IDBFactory, options: TabOptions = {}) {
  const bundle = { ...aMenuBot(), nlu: {}, dialogue };
  return createConversationWithBot({
    bot: options.bot ?? '/models/test/',
    baseUrl: 'https://shop.example/',
    fetch: options.fetch ?? fetchReturning(bundle),
    understanding,
    replyDelayMs: 0,
    fulfill: options.fulfill ?? (async () => ({ ok: true, slots: { refund_id: 'R1', order_state: 'shipped' } })),
    persistence: {
      store: options.store ?? openSessionStore({ indexedDB }),
      ...(options.locks && { locks: options.locks }),
      ...(options.channel && { channel: options.channel }),
      ...(options.siteChannel && { siteChannel: options.siteChannel }),
    },
    ...options.more,
  });
}

const texts = (chat: ReturnType<typeof tab>) => chat.messages.value.map((m) => m.text);

/** A backend that records every call and answers only when told to. */
function heldBackend() {
  const calls: FulfillCall[] = [];
  const held: Array<() => void> = [];
  const fulfill: Fulfill = (call) => {
    calls.push(call);
    return new Promise((resolve) => held.push(() => resolve({ ok: true, slots: { refund_id: 'R1000' } })));
  };
  return { fulfill, calls, releaseAll: () => held.splice(0).forEach((release) => release()) };
}

describe('a backend call is written ahead and never made twice', () => {
  it('a reload while the refund call is out makes the same call again (same request id), and the refund is answered once', async () => {
    const indexedDB = new IDBFactory();
    const backend = heldBackend();
    const before = tab(indexedDB, { fulfill: backend.fulfill });
    await before.start();
    before.send('i want a refund for A12345');
    await until(() => backend.calls.length === 1, 'the refund call goes out');
    before.dispose(); // the page is reloaded while the call is out: its answer never reaches this page

    const after = tab(indexedDB, { fulfill: backend.fulfill });
    await after.start();
    await until(() => backend.calls.length === 2, 'the reloaded page makes the call again');
    backend.releaseAll();
    await until(() => texts(after).at(-1) === 'Refund R1000 is on its way.', 'the refund is confirmed');
    const ids = new Set(backend.calls.map((call) => call.requestId));
    expect(ids.size).toBe(1);
    // The visitor's message was stored before the call went out: the reloaded page shows it.
    expect(texts(after)).toContain('i want a refund for A12345');
  });

  it('a call that outlives the deadline is reported as failed, and asking again reuses its request id', async () => {
    const indexedDB = new IDBFactory();
    const backend = heldBackend();
    const chat = tab(indexedDB, { fulfill: backend.fulfill, more: { fulfillmentDeadlineMs: 30 } });
    await chat.start();
    chat.send('i want a refund for A12345');
    await until(() => /could not be made/.test(texts(chat).at(-1) ?? ''), 'the deadline passes');
    // The visitor is not told it failed as if nothing happened: it may have gone through.
    expect(texts(chat).at(-1)).toMatch(/may have gone through; asking again will not do it twice/);
    chat.send('i want a refund for A12345');
    await until(() => backend.calls.length === 2, 'the visitor asks again');
    expect(backend.calls[1]!.requestId).toBe(backend.calls[0]!.requestId);
    // Another order is another request.
    chat.send('i want a refund for B77777');
    await until(() => backend.calls.length === 3, 'a refund for another order');
    expect(backend.calls[2]!.requestId).not.toBe(backend.calls[0]!.requestId);
  });

  it('the fulfillment client is told the deadline and aborts at it: a success after the turn gave up cannot happen', async () => {
    const indexedDB = new IDBFactory();
    const signals: AbortSignal[] = [];
    const fetch = vi.fn(
      (_url: string | URL | Request, init?: RequestInit) =>
        new Promise<Response>((resolve, reject) => {
          signals.push(init!.signal!);
          init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason));
          setTimeout(() => resolve(new Response(JSON.stringify({ status: 'ok', slots: { refund_id: 'R9' } }))), 400);
        }),
    );
    const client = createFulfillmentClient('https://shop.example/f', { fetch: fetch as unknown as typeof globalThis.fetch, timeoutMs: 10_000, log: () => {}, network: { isOnline: () => true, onceOnline: async () => {} } });
    const chat = tab(indexedDB, { fulfill: client, more: { fulfillmentDeadlineMs: 60 } });
    await chat.start();
    chat.send('i want a refund for A12345');
    await until(() => /could not be made/.test(texts(chat).at(-1) ?? ''), 'the deadline passes');
    expect(signals.every((signal) => signal.aborted)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(texts(chat).some((text) => text.includes('R9'))).toBe(false);
  });

  it('reset, forget or closing the widget while offline: the queued request is never sent', async () => {
    for (const leave of ['reset', 'forget', 'dispose'] as const) {
      const indexedDB = new IDBFactory();
      let online = false;
      const waiting = new Set<() => void>();
      const network: Network = {
        isOnline: () => online,
        onceOnline: (signal) =>
          new Promise<void>((resolve) => {
            waiting.add(resolve);
            signal?.addEventListener('abort', () => waiting.delete(resolve));
          }),
      };
      const fetch = vi.fn(async () => new Response(JSON.stringify({ status: 'ok', slots: { refund_id: 'R1' } })));
      const client = createFulfillmentClient('https://shop.example/f', { fetch: fetch as unknown as typeof globalThis.fetch, network, log: () => {} });
      const chat = tab(indexedDB, { fulfill: client });
      await chat.start();
      chat.send('i want a refund for A12345');
      await until(() => texts(chat).some((text) => /offline/.test(text)), 'the bot says it will send the request once online');
      if (leave === 'reset') chat.reset();
      else if (leave === 'forget') await chat.forget();
      else chat.dispose();
      online = true;
      for (const resolve of [...waiting]) resolve();
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(fetch, leave).not.toHaveBeenCalled();
    }
  });
});

describe('forget() forgets', () => {
  async function storedSessions(indexedDB: IDBFactory): Promise<number> {
    const db = await openDatabase(indexedDB);
    const count = await db.count('sessions');
    db.close();
    return count;
  }

  async function seeded(): Promise<IDBFactory> {
    const indexedDB = new IDBFactory();
    const earlier = tab(indexedDB);
    await earlier.start();
    earlier.send('where is my order A12345');
    await until(() => /shipped/.test(texts(earlier).at(-1) ?? ''), 'the earlier visit is answered');
    earlier.dispose();
    expect(await storedSessions(indexedDB)).toBe(1);
    return indexedDB;
  }

  it('before the bot has loaded (a logout hook on a page where the chat never opened), and when it never loads', async () => {
    const indexedDB = await seeded();
    const neverLoads = tab(indexedDB, { fetch: () => new Promise<Response>(() => {}) });
    await neverLoads.forget(); // start() was never called, and the bot file never arrives
    expect(await storedSessions(indexedDB)).toBe(0);
  });

  it('while the bot is loading: the stored conversation is not adopted back when loading finishes', async () => {
    const indexedDB = await seeded();
    let arrive: () => void = () => {};
    const bundle = { ...aMenuBot(), nlu: {}, dialogue };
    const slow: typeof fetch = () => new Promise<Response>((resolve) => (arrive = () => resolve(new Response(JSON.stringify(bundle)))));
    const chat = tab(indexedDB, { fetch: slow });
    const loading = chat.start();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const forgetting = chat.forget();
    arrive();
    await Promise.all([loading, forgetting]);
    expect(texts(chat)).toEqual([aMenuBot().greeting]);
    chat.send('hello');
    await until(() => texts(chat).length >= 3, 'an answer');
    expect(texts(chat).join(' ')).not.toContain('A12345');
  });

  it('waits for a turn in progress in another tab (the lock), so that turn cannot save after the clear', async () => {
    const indexedDB = new IDBFactory();
    const locks = fakeLocks();
    const backend = heldBackend();
    const channel = channelPair('parley:forget-lock');
    const a = tab(indexedDB, { fulfill: backend.fulfill, locks, channel: channel() });
    const b = tab(indexedDB, { locks, channel: channel() });
    await Promise.all([a.start(), b.start()]);
    a.send('i want a refund for A12345');
    await until(() => backend.calls.length === 1, 'tab A is waiting on its refund call');
    const forgetting = b.forget();
    await new Promise((resolve) => setTimeout(resolve, 20));
    backend.releaseAll(); // A's turn ends and saves; only then may B clear
    await forgetting;
    expect(await storedSessions(indexedDB)).toBe(0);
    await until(() => texts(a).length === 1, 'tab A hears of it and starts afresh');
    expect(texts(a)).toEqual([aMenuBot().greeting]);
  });

  it("reaches the tabs of the site's other bots, which start afresh and write nothing back", async () => {
    const indexedDB = new IDBFactory();
    const site = channelPair('parley-site-test');
    const other = tab(indexedDB, { bot: '/models/other/', siteChannel: site() });
    const mine = tab(indexedDB, { siteChannel: site() });
    await Promise.all([other.start(), mine.start()]);
    other.send('contact me');
    other.send('jane@example.com');
    await until(() => /^We will write to/.test(texts(other).at(-1) ?? ''), "the other bot's conversation");
    await mine.forget();
    await until(() => texts(other).length === 1, 'the other bot starts afresh');
    expect(await storedSessions(indexedDB)).toBe(0);
    other.send('hello');
    await until(() => texts(other).length >= 3, 'the other bot answers');
    const store = await openSessionStore({ indexedDB });
    const latest = await store.latest('https://shop.example/models/other/', Infinity);
    expect(JSON.stringify(latest)).not.toContain('jane@example.com');
  });

  it('reports a failure as a failure', async () => {
    const indexedDB = await seeded();
    const store = await openSessionStore({ indexedDB });
    const broken: SessionStore = { ...store, forget: () => Promise.reject(new Error('the database is broken')) };
    const chat = tab(indexedDB, { store: broken });
    await expect(chat.forget()).rejects.toThrow(/could not delete everything.*the database is broken/);
    // The visitor is told, and "try again" tries the deletion again.
    expect(chat.error.value).toMatchObject({ code: 'forget-failed', retryable: true });
    let attempts = 0;
    broken.forget = async () => void attempts++;
    await chat.retry();
    expect(attempts).toBe(1);
    expect(chat.error.value).toBeNull();
    const cachesFail = tab(indexedDB, { more: { clearCaches: () => Promise.reject(new Error('the model cache refused')) } });
    await expect(cachesFail.forget()).rejects.toThrow(/the model cache refused/);
  });

  it('tab-sync messages: an older release (no version) is heard for forget and turns; unknown or newer ones are ignored', async () => {
    const indexedDB = new IDBFactory();
    const channel = channelPair('parley:versions');
    const chat = tab(indexedDB, { channel: channel() });
    await chat.start();
    chat.send('where is my order A12345');
    await until(() => /shipped/.test(texts(chat).at(-1) ?? ''), 'answered');
    const sender = channel();
    for (const data of [{ v: SYNC_PROTOCOL + 1, type: 'turn' }, { type: 'forget!' }, 'forget', null, [{ type: 'forget' }], { v: 'x', type: 'forget' }]) sender.postMessage(data);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(texts(chat).length).toBeGreaterThan(1);
    sender.postMessage({ type: 'forget' }); // an older release's forget
    await until(() => texts(chat).length === 1, 'an older tab forgot everything');
    sender.close();
  });
});

describe('storage that fails after turns were saved', () => {
  it('a commit that fails (quota) keeps the transcript on screen and in memory, and the visitor is told', async () => {
    const indexedDB = new IDBFactory();
    const chat = tab(indexedDB);
    await chat.start();
    chat.send('where is my order A12345');
    await until(() => /shipped/.test(texts(chat).at(-1) ?? ''), 'the first turn');
    const shownBefore = texts(chat);
    // From now on every write transaction fails when it commits, as browsers report a full quota
    // (fake-indexeddb's own steps: at the point of finishing, the transaction is aborted and rolled back).
    type RawTransaction = { mode: IDBTransactionMode; error: DOMException | null; _markFinished(): void; _abort(name: string): void };
    const proto = IDBTransaction.prototype as unknown as RawTransaction;
    const markFinished = proto._markFinished;
    let aborting = false;
    const spy = vi.spyOn(proto, '_markFinished').mockImplementation(function (this: RawTransaction) {
      if (this.mode !== 'readwrite' || this.error || aborting) return markFinished.call(this);
      aborting = true;
      try {
        this._abort('QuotaExceededError');
      } finally {
        aborting = false;
      }
    });
    try {
      chat.send('where is my order B77777');
      await until(() => texts(chat).some((text) => /can’t be saved/.test(text)), 'the visitor is told');
      chat.send('where is my order C55555');
      await until(() => texts(chat).filter((text) => /shipped/.test(text)).length === 3, () => `the third turn: ${JSON.stringify(texts(chat))}`);
    } finally {
      spy.mockRestore();
    }
    expect(chat.persistent.value).toBe(false);
    expect(texts(chat).slice(0, shownBefore.length)).toEqual(shownBefore);
    expect(texts(chat)).toContain('where is my order B77777');
  });
});

describe('a redacting store', () => {
  it('never redacts what the visitor still sees in this visit; a reload shows the redacted copy and asks again for what was left out', async () => {
    const indexedDB = new IDBFactory();
    const store = () => openSessionStore({ indexedDB, redact: true, locale: 'en-US' });
    const chat = tab(indexedDB, { store: store() });
    await chat.start();
    chat.send('contact me');
    chat.send('jane@example.com');
    await until(() => /^We will write to/.test(texts(chat).at(-1) ?? ''), 'the contact flow ends');
    chat.send('where is my order A12345, it was due 2026-11-25');
    await until(() => /shipped/.test(texts(chat).at(-1) ?? ''), 'the next turn');
    expect(texts(chat)).toContain('jane@example.com');
    expect(texts(chat)).toContain('where is my order A12345, it was due 2026-11-25');
    expect(texts(chat).join(' ')).not.toMatch(/\[(email|phone)\]/);
    chat.dispose();

    const reloaded = tab(indexedDB, { store: store() });
    await reloaded.start();
    expect(texts(reloaded)).toContain('[email]');
    expect(texts(reloaded)).toContain('where is my order A12345, it was due 2026-11-25');
  });
});

describe('an SPA that mounts and destroys the widget', () => {
  it('dispose() closes the channels and the database connection (nothing leaks per mount)', async () => {
    const indexedDB = new IDBFactory();
    const closed: string[] = [];
    const channel = (name: string): Channel => ({ postMessage: () => {}, addEventListener: () => {}, close: () => void closed.push(name) });
    const store = await openSessionStore({ indexedDB });
    const close = vi.spyOn(store, 'close');
    const chat = tab(indexedDB, { store, channel: channel('bot'), siteChannel: channel('site') });
    await chat.start();
    chat.dispose();
    expect(closed.sort()).toEqual(['bot', 'site']);
    expect(close).toHaveBeenCalledTimes(1);
  });
});
