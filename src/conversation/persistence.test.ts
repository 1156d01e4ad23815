import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { DialogueBotSchema } from '../bot/dialogue-schema';
import type { ParseResult } from '../nlu/parse';
import { openSessionStore } from '../store/session-store';
import { aMenuBot, fetchReturning } from '../test/builders';
import { createConversationWithBot } from './conversation';
import { fakeLocks } from '../test/fake-locks';
import type { Channel } from './session-sync';
import type { ConversationOptions, Understanding } from './types';

const dialogue = v.parse(DialogueBotSchema, {
  intentTitles: { order_status: 'Order status' },
  slots: { order_id: { entity: 'order_id', from_text: true, ask: 'ask_order' }, order_state: {} },
  flows: { order_status: { intent: 'order_status', slots: ['order_id'], action: 'order_status', done: 'order_done', title: 'your order' } },
  responses: { ask_order: ['What is your order number?'], order_done: ['Order {order_id} is {order_state}.'] },
});

const understanding: Understanding = {
  load: async () => ({ stage: 'full', backend: 'wasm', backendReason: 'test', modelBytes: 1, fromCache: false, loadMs: 1, warmupMs: 1 }),
  parse: async (text): Promise<ParseResult> => {
    const order = /[A-Z]\d{5}/.exec(text)?.[0];
    const intent = /where is my order/.test(text) ? 'order_status' : 'out_of_scope';
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

const settle = async (rounds = 30) => {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

/** One set of locks for all "tabs" of a test, like navigator.locks across a browser's tabs. */
const sharedLocks = fakeLocks;

function tab(indexedDB: IDBFactory | null, extra: Partial<NonNullable<ConversationOptions['persistence']>> = {}, more: Partial<ConversationOptions> = {}) {
  const bundle = { ...aMenuBot(), nlu: {}, dialogue };
  return createConversationWithBot({
    bot: '/models/test/',
    baseUrl: 'https://shop.example/',
    fetch: fetchReturning(bundle),
    understanding,
    replyDelayMs: 0,
    fulfill: async () => ({ ok: true, slots: { order_state: 'shipped' } }),
    persistence: { store: openSessionStore({ indexedDB: indexedDB as IDBFactory }), ...extra },
    ...more,
  });
}

const texts = (chat: ReturnType<typeof tab>) => chat.messages.value.map((m) => m.text);

describe('conversation persistence', () => {
  it('a reload mid-form restores the transcript and the form, and recalls the question', async () => {
    const indexedDB = new IDBFactory();
    const before = tab(indexedDB);
    await before.start();
    before.send('where is my order');
    await settle();
    expect(texts(before).at(-1)).toBe('What is your order number?');
    before.dispose();

    const after = tab(indexedDB);
    await after.start();
    await settle();
    expect(texts(after).slice(0, 3)).toEqual([aMenuBot().greeting, 'where is my order', 'What is your order number?']);
    expect(texts(after).at(-1)).toBe('Back to your order: What is your order number?');
    after.send('A12345');
    await settle();
    expect(texts(after).at(-1)).toBe('Order A12345 is shipped.');
  });

  it('what the bot said while a request waited for the connection is stored in its place', async () => {
    const indexedDB = new IDBFactory();
    const bundle = { ...aMenuBot(), nlu: {}, dialogue };
    const offline = createConversationWithBot({
      bot: '/models/test/',
      baseUrl: 'https://shop.example/',
      fetch: fetchReturning(bundle),
      understanding,
      replyDelayMs: 0,
      fulfill: async (_call, hooks) => {
        hooks?.onQueued?.();
        hooks?.onResumed?.();
        return { ok: true, slots: { order_state: 'shipped' } };
      },
      persistence: { store: openSessionStore({ indexedDB }) },
    });
    await offline.start();
    offline.send('where is my order A12345');
    await settle();
    const shown = texts(offline as ReturnType<typeof tab>);
    offline.dispose();
    const reloaded = tab(indexedDB);
    await reloaded.start();
    expect(texts(reloaded)).toEqual(shown);
    expect(shown.slice(-3)).toEqual(['You seem to be offline. I’ll send your request as soon as the connection is back.', 'You’re back online, sending your request now.', 'Order A12345 is shipped.']);
  });

  it('nothing is stored for a visitor who never writes', async () => {
    const indexedDB = new IDBFactory();
    const visitor = tab(indexedDB);
    await visitor.start();
    await settle();
    const store = await openSessionStore({ indexedDB });
    // The key the conversation stores under (the bundle's URL as given): a visitor who writes is found there.
    const key = 'https://shop.example/models/test/';
    expect(await store.latest(key, Infinity)).toBeNull();
    visitor.send('where is my order');
    await settle();
    expect(await store.latest(key, Infinity)).not.toBeNull();
  });

  it('two tabs share one conversation: 50 interleaved messages, none lost or duplicated, same order in both', async () => {
    const indexedDB = new IDBFactory();
    const locks = sharedLocks();
    const a = tab(indexedDB, { locks, channel: new BroadcastChannel('parley-test') as unknown as Channel });
    const b = tab(indexedDB, { locks, channel: new BroadcastChannel('parley-test') as unknown as Channel });
    await Promise.all([a.start(), b.start()]);
    for (let i = 0; i < 25; i++) {
      a.send(`a${i}`);
      b.send(`b${i}`);
    }
    await settle(400);
    const fromA = texts(a).filter((t) => /^[ab]\d+$/.test(t));
    const fromB = texts(b).filter((t) => /^[ab]\d+$/.test(t));
    console.log(`two tabs: ${fromA.length} visitor messages in tab A, ${fromB.length} in tab B, ${new Set(fromA).size} distinct`);
    expect(fromA).toHaveLength(50);
    expect(new Set(fromA).size).toBe(50);
    expect(fromB).toEqual(fromA);
    expect(texts(b)).toEqual(texts(a));
    for (const name of ['a', 'b']) {
      const own = fromA.filter((t) => t.startsWith(name)).map((t) => Number(t.slice(1)));
      expect(own).toEqual([...own].sort((x, y) => x - y)); // each tab's messages keep their order
    }
    a.dispose();
    b.dispose();
  });

  it('forget() deletes what was stored and starts afresh', async () => {
    const indexedDB = new IDBFactory();
    let cleared = 0;
    const chat = tab(indexedDB, {}, { clearCaches: async () => void cleared++ });
    await chat.start();
    chat.send('where is my order');
    await settle();
    await chat.forget();
    expect(texts(chat)).toEqual([aMenuBot().greeting]);
    expect(cleared).toBe(1);
    const again = tab(indexedDB);
    await again.start();
    expect(texts(again)).toEqual([aMenuBot().greeting]);
  });

  it('without IndexedDB the conversation works in memory and tells the visitor it will not be kept', async () => {
    const chat = tab(null);
    await chat.start();
    expect(chat.persistent.value).toBe(false);
    expect(texts(chat).at(-1)).toMatch(/can’t be saved on this device/);
    chat.send('where is my order');
    await settle();
    expect(texts(chat).at(-1)).toBe('What is your order number?');
  });
});
