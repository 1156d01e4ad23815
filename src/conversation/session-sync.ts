/**
 * One conversation across the visitor's tabs. Turns run one at a time across tabs (Web Locks; where
 * a browser has none, one at a time within the tab), each starting from what the store holds, so no
 * turn is lost, done twice or reordered; after each turn the other tabs are told (BroadcastChannel)
 * and reload the transcript. The store, the channel and the locks are injected.
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
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

export interface SessionSync {
  store: SessionStore;
  /** Runs `work` as the only turn in progress for this bot across the visitor's tabs. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** Saves a turn, then tells the other tabs. */
  save(turn: TurnWrite): Promise<void>;
  /** Called when another tab saved a turn, or forgot everything. */
  onRemote(listener: (type: 'turn' | 'forget') => void): void;
  /** Tells the other tabs that the visitor deleted the conversation. */
  announceForget(): void;
  close(): void;
}

export function createSessionSync(options: { store: SessionStore; bot: string; channel?: Channel | null; locks?: Locks | null }): SessionSync {
  const name = `parley:${options.bot}`;
  const channel = options.channel ?? null;
  const listeners: Array<(type: 'turn' | 'forget') => void> = [];
  channel?.addEventListener('message', (event) => {
    const type = (event.data as { type?: string } | null)?.type;
    if (type === 'turn' || type === 'forget') listeners.forEach((listener) => listener(type));
  });
  let queue: Promise<unknown> = Promise.resolve();
  return {
    store: options.store,
    exclusive(work) {
      if (options.locks) return options.locks.request(name, work);
      const run = queue.then(work, work);
      queue = run.catch(() => undefined);
      return run;
    },
    async save(turn) {
      await options.store.saveTurn(turn);
      channel?.postMessage({ type: 'turn', sessionId: turn.state.sessionId });
    },
    onRemote(listener) {
      listeners.push(listener);
    },
    announceForget() {
      channel?.postMessage({ type: 'forget' });
    },
    close() {
      channel?.close();
      options.store.close();
    },
  };
}

/** The browser's BroadcastChannel and Web Locks where they exist. */
export function browserSyncParts(bot: string): { channel: Channel | null; locks: Locks | null } {
  const scope = globalThis as { BroadcastChannel?: new (name: string) => Channel; navigator?: { locks?: Locks } };
  return {
    channel: scope.BroadcastChannel ? new scope.BroadcastChannel(`parley:${bot}`) : null,
    locks: scope.navigator?.locks ?? null,
  };
}
