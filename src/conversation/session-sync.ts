/**
 * One conversation across the visitor's tabs. Turns run one at a time across tabs (Web Locks; where
 * a browser has none, one at a time within the tab), each starting from what the store holds, so no
 * turn is lost, done twice or reordered; after each turn the other tabs are told (BroadcastChannel)
 * and reload the transcript. "Forget me" reaches every tab of the site, whatever bot it shows: it
 * waits for every turn in progress (each holds the site-wide lock shared; forget holds it alone), and
 * is announced on a site-wide channel. The store, the channels and the locks are injected.
 */
import type { SessionStore, TurnWrite } from '../store/session-store';

/** The parts of BroadcastChannel used here. */
export interface Channel {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  close(): void;
}

/** The part of the Web Locks API used here (navigator.locks). */
export interface Locks {
  request<T>(name: string, options: { mode: 'shared' | 'exclusive' }, callback: () => Promise<T>): Promise<T>;
}

/**
 * The version of the messages tabs send each other. A message says what happened, never what to
 * store: a tab that hears of a turn reads the store, whose records carry their own format.
 */
export const SYNC_PROTOCOL = 1;

/** Held shared by every turn of every bot, alone by forget. */
const SITE_LOCK = 'parley';
/** Every tab of the site listens here for "forget me". */
export const SITE_CHANNEL = 'parley';

export type RemoteEvent = 'turn' | 'forget';

export interface SessionSync {
  store: SessionStore;
  /** Runs `work` as the only turn in progress for this bot across the visitor's tabs. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** Runs `work` when no turn of any bot is in progress in any tab, and none starts meanwhile. */
  alone<T>(work: () => Promise<T>): Promise<T>;
  /** Saves a turn, then tells the other tabs. */
  save(turn: TurnWrite): Promise<void>;
  /** Called when another tab saved a turn, or forgot everything. */
  onRemote(listener: (type: RemoteEvent) => void): void;
  /** Tells every other tab of the site that the visitor deleted everything. */
  announceForget(): void;
  close(): void;
}

export interface SyncOptions {
  store: SessionStore;
  bot: string;
  /** This bot's tabs. */
  channel?: Channel | null;
  /** Every tab of the site, whatever bot (for forget). */
  siteChannel?: Channel | null;
  locks?: Locks | null;
}

/** What a channel message means, or null for one this release does not know (ignored). */
export function readSyncMessage(data: unknown): RemoteEvent | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const type = Object.hasOwn(data, 'type') ? (data as { type: unknown }).type : undefined;
  const version = Object.hasOwn(data, 'v') ? (data as { v: unknown }).v : 0;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) return null;
  // A forget from any release is honoured: the visitor asked for it. A turn only makes this tab read
  // the store, so an older tab's (version 0, no `v`) is safe too; a newer protocol's turn is not ours to read.
  if (type === 'forget') return 'forget';
  if (type === 'turn' && version <= SYNC_PROTOCOL) return 'turn';
  return null;
}

export function createSessionSync(options: SyncOptions): SessionSync {
  const name = `parley:${options.bot}`;
  const channel = options.channel ?? null;
  const siteChannel = options.siteChannel ?? null;
  const locks = options.locks ?? null;
  const listeners: Array<(type: RemoteEvent) => void> = [];
  let closed = false;
  const hear = (event: MessageEvent) => {
    const type = closed ? null : readSyncMessage(event.data);
    if (type) listeners.forEach((listener) => listener(type));
  };
  channel?.addEventListener('message', hear);
  siteChannel?.addEventListener('message', (event) => {
    if (readSyncMessage(event.data) === 'forget') hear(event);
  });
  let queue: Promise<unknown> = Promise.resolve();
  const inTab = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };
  return {
    store: options.store,
    exclusive(work) {
      if (locks) return locks.request(SITE_LOCK, { mode: 'shared' }, () => locks.request(name, { mode: 'exclusive' }, work));
      return inTab(work);
    },
    alone(work) {
      if (locks) return locks.request(SITE_LOCK, { mode: 'exclusive' }, work);
      return inTab(work);
    },
    async save(turn) {
      await options.store.saveTurn(turn);
      if (!closed) channel?.postMessage({ v: SYNC_PROTOCOL, type: 'turn', sessionId: turn.state.sessionId });
    },
    onRemote(listener) {
      listeners.push(listener);
    },
    announceForget() {
      // Older releases listen on the bot's channel only; hearing it twice resets twice, which is the same.
      const message = { v: SYNC_PROTOCOL, type: 'forget' };
      channel?.postMessage(message);
      siteChannel?.postMessage(message);
    },
    close() {
      closed = true;
      channel?.close();
      siteChannel?.close();
      options.store.close();
    },
  };
}

/** The browser's BroadcastChannels and Web Locks where they exist. */
export function browserSyncParts(bot: string): { channel: Channel | null; siteChannel: Channel | null; locks: Locks | null } {
  const scope = globalThis as { BroadcastChannel?: new (name: string) => Channel; navigator?: { locks?: Locks } };
  return {
    channel: scope.BroadcastChannel ? new scope.BroadcastChannel(`parley:${bot}`) : null,
    siteChannel: scope.BroadcastChannel ? new scope.BroadcastChannel(SITE_CHANNEL) : null,
    locks: scope.navigator?.locks ?? null,
  };
}
