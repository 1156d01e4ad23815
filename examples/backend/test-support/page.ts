/**
 * A browser page as the widget sees it, for tests in Node: a network that can go offline, a fetch that
 * records every POST the fulfillment client sends, the visitor's IndexedDB (fake-indexeddb, shared by
 * the tabs of a test), and `kill()` for a reload or a closed tab: the page's requests are cut and
 * nothing it started runs on (its promises never settle again), as in a browser.
 */
import 'fake-indexeddb/auto';
import type { Fulfill, FulfillCall, FulfillmentResult } from '../../../src/conversation/dialogue-turn';
import type { Channel } from '../../../src/conversation/session-sync';
import { createFulfillmentClient, type Network } from '../../../src/fulfillment/client';
import { openSessionStore, type SessionStore } from '../../../src/store/session-store';
import type { Random } from '../../../src/train/random';
import { fakeLocks } from '../../../src/test/fake-locks';

export interface ControllableNetwork extends Network {
  setOnline(online: boolean): void;
}

/** navigator.onLine and the `online` event, under the test's control. */
export function controllableNetwork(): ControllableNetwork {
  let online = true;
  let waiting: Array<() => void> = [];
  return {
    isOnline: () => online,
    onceOnline(signal?: AbortSignal) {
      if (online) return Promise.resolve();
      return new Promise<void>((resolve) => {
        waiting.push(resolve);
        // Like removeEventListener('online'): a caller that stopped waiting is not woken.
        signal?.addEventListener('abort', () => (waiting = waiting.filter((waiter) => waiter !== resolve)), { once: true });
      });
    },
    setOnline(value) {
      online = value;
      if (!value) return;
      const resume = waiting;
      waiting = [];
      for (const resolve of resume) resolve();
    },
  };
}

/** navigator.locks for the tabs of one test (src/test/fake-locks.ts), with `idle()`: no turn in progress anywhere. */
export const sharedLocks = fakeLocks;

export interface SentRequest {
  action: string;
  sessionId: string;
  requestId: string;
}

export interface CallRecord {
  call: FulfillCall;
  /** Null while the call is out (or forever, if the page died meanwhile). */
  result: FulfillmentResult | null;
}

export interface Page {
  readonly network: ControllableNetwork;
  /** Every POST the page's fulfillment client sent, in order (recorded as it leaves the page). */
  readonly sent: readonly SentRequest[];
  /** Every backend call the conversation made, with its result once it returned. */
  readonly calls: readonly CallRecord[];
  /** The page's fulfillment client (the real one, on the page's fetch and network). */
  readonly fulfill: Fulfill;
  /** The page's session store on the visitor's IndexedDB. */
  store(indexedDB: IDBFactory): Promise<SessionStore>;
  /** A BroadcastChannel of this page. */
  channel(name: string): Channel;
  readonly dead: boolean;
  /** The tab is reloaded or closed: requests in flight are cut, and nothing the page started goes on. */
  kill(): void;
}

export interface PageOptions {
  /** The fulfillment URL. */
  url: string;
  timeoutMs: number;
  retries: number;
  random: Random;
}

const never = <T>(): Promise<T> => new Promise<T>(() => {});

function fieldsOf(body: unknown): SentRequest {
  try {
    const parsed = JSON.parse(typeof body === 'string' ? body : '') as Record<string, unknown>;
    return { action: String(parsed.action ?? ''), sessionId: String(parsed.sessionId ?? ''), requestId: String(parsed.requestId ?? '') };
  } catch {
    return { action: '', sessionId: '', requestId: '' };
  }
}

export function openPage(options: PageOptions): Page {
  let dead = false;
  const cut = new AbortController();
  const sent: SentRequest[] = [];
  const calls: CallRecord[] = [];
  const stores: SessionStore[] = [];
  const channels: Channel[] = [];
  const network = controllableNetwork();
  /** After the page is gone, whatever it was waiting for never arrives. */
  const whileAlive = <T>(promise: Promise<T>): Promise<T> =>
    promise.then(
      (value) => (dead ? never<T>() : value),
      (error: unknown) => (dead ? never<T>() : Promise.reject(error)),
    );

  const pageFetch: typeof fetch = (input, init) => {
    if (dead) return never();
    sent.push(fieldsOf(init?.body));
    const signal = init?.signal ? AbortSignal.any([init.signal, cut.signal]) : cut.signal;
    return whileAlive(fetch(input, { ...init, signal }));
  };
  const client = createFulfillmentClient(options.url, {
    fetch: pageFetch,
    timeoutMs: options.timeoutMs,
    retries: options.retries,
    backoff: { baseMs: 5, maxMs: 40 },
    random: options.random,
    log: () => {},
    network,
  });

  return {
    network,
    sent,
    calls,
    fulfill(call, hooks) {
      const record: CallRecord = { call, result: null };
      calls.push(record);
      return client(call, hooks).then((result) => {
        record.result = result;
        return result;
      });
    },
    async store(indexedDB) {
      const real = await openSessionStore({ indexedDB });
      stores.push(real);
      // Every method, present or added later: a dead page's reads and writes never come back.
      return new Proxy(real, {
        get(target, property, receiver) {
          const value: unknown = Reflect.get(target, property, receiver);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            if (dead && property !== 'close' && property !== 'health') return never();
            const out: unknown = value.apply(target, args);
            return out instanceof Promise ? whileAlive(out) : out;
          };
        },
      });
    },
    channel(name) {
      const channel = new BroadcastChannel(name) as unknown as Channel;
      channels.push(channel);
      return channel;
    },
    get dead() {
      return dead;
    },
    kill() {
      dead = true;
      cut.abort();
      for (const channel of channels) channel.close();
      for (const store of stores) store.close();
    },
  };
}
