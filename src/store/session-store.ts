/**
 * Sessions on the visitor's device: each turn (the visitor's message, the bot's answers, the engine
 * state, what happened) is written in one IndexedDB transaction, so a crash or a closed tab never
 * leaves half a turn. When IndexedDB cannot be used (disabled, private mode, blocked by an old tab,
 * quota exceeded) the store keeps working in memory and says why: nothing ever throws to the caller.
 */
import type { IDBPDatabase } from 'idb';
import { list, literal, map, matches, number, object, scalar, string } from '../check';
import type { ChatMessage } from '../conversation/types';
import type { DialogueState, SlotValue } from '../dialogue/types';
import { DATABASE_NAME, openDatabase, type EventRecord, type MessageRecord, type ParleyDB, type SessionRecord } from './schema';

export type StoreHealth =
  | { persistent: true }
  | { persistent: false; reason: 'unavailable' | 'blocked' | 'quota' | 'error'; detail: string };

export interface StoredConversation {
  session: SessionRecord;
  messages: ChatMessage[];
}

/** The session to resume; `corrupt` when it could not be read (it is deleted). */
export type Latest = (StoredConversation & { corrupt?: false }) | { corrupt: true } | null;

export interface TurnWrite {
  bot: string;
  state: DialogueState;
  /** The messages this turn added, in order. */
  messages: readonly ChatMessage[];
  events?: ReadonlyArray<{ type: string; detail?: string }>;
  /** The messages are the whole session: what was stored for it before is replaced (moving to memory after a failure). */
  replace?: boolean;
}

export interface SessionStore {
  health(): StoreHealth;
  /** The bot's most recent session updated within `maxAgeMs`, or null. A corrupt one is deleted. */
  latest(bot: string, maxAgeMs: number): Promise<Latest>;
  saveTurn(turn: TurnWrite): Promise<void>;
  /**
   * Deletes every session, message and event (all bots): "forget me". Clears the database, or where
   * that fails deletes it; rejects with a ForgetError when neither worked (the visitor must be told).
   */
  forget(): Promise<void>;
  /** Deletes sessions not updated since `before`; returns how many. */
  purge(before: number): Promise<number>;
  close(): void;
}

export interface StoreOptions {
  indexedDB?: IDBFactory;
  /**
   * Store card numbers, IBANs, e-mail addresses and phone numbers as placeholders, in messages and in
   * the dialogue state (src/store/redact.ts, loaded only then: it weighs 31 KB gzipped).
   */
  redact?: boolean;
  /** The visitor's language (e.g. "en-GB"): its region tells which national numbers are phone numbers. */
  locale?: string;
  /** Waiting longer than this for the database (e.g. an old tab blocks the upgrade) gives up. */
  openTimeoutMs?: number;
  now?: () => number;
}

// What a stored session must hold to be resumed (read by own properties only: src/check.ts).
const storedMessage = object({ id: string, from: literal('user', 'bot'), text: string, at: number });
const storedState = object({ sessionId: string, turn: number, slots: map(scalar), history: list((item: unknown) => item) });

/**
 * The format of the session records this release writes. A record of a newer format (a newer
 * release in another tab) is left alone: neither resumed nor deleted as corrupt.
 */
export const SESSION_FORMAT = 1;

/** "Forget me" could not delete what is stored: the caller must say so, not that it is done. */
export class ForgetError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ForgetError';
  }
}

/** What a redacting store does to what it writes; null stores as is. */
export interface Redactor {
  message(message: ChatMessage): ChatMessage;
  state(state: DialogueState): DialogueState;
}

/**
 * The redactor for a store that redacts. In the state, a slot whose value holds personal data is left
 * out (not kept as a placeholder, which a resumed form would send to the backend as the value): the
 * bot asks again. The tab that wrote it keeps the real values for the rest of its visit.
 */
async function loadRedactor(options: StoreOptions): Promise<Redactor | null> {
  if (!options.redact) return null;
  const { redact, redactSlots } = await import('./redact');
  const locale = options.locale === undefined ? {} : { locale: options.locale };
  const keep = (slots: Record<string, SlotValue>) => {
    const redacted = redactSlots(slots, locale);
    return Object.fromEntries(Object.entries(slots).filter(([name, value]) => redacted[name] === value));
  };
  return {
    message: (message) => ({ ...message, text: redact(message.text, locale) }),
    state: (state) => ({ ...state, slots: keep(state.slots), ...(state.pendingSwitch && { pendingSwitch: { ...state.pendingSwitch, slots: keep(state.pendingSwitch.slots) } }) }),
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export async function openSessionStore(options: StoreOptions = {}): Promise<SessionStore> {
  const redactor = await loadRedactor(options);
  const factory = options.indexedDB === undefined ? (globalThis as { indexedDB?: IDBFactory }).indexedDB : options.indexedDB;
  if (!factory) return memorySessionStore(options, { persistent: false, reason: 'unavailable', detail: 'this browser has no IndexedDB here' }, redactor);
  let db: IDBPDatabase<ParleyDB>;
  let gaveUp = false;
  const opening = openDatabase(factory, {
    // A newer Parley in another tab needs the database: let it upgrade, and go on in memory here.
    onBlocking: () => {
      db.close();
      fallback = { persistent: false, reason: 'blocked', detail: 'a newer version in another tab took over the database' };
    },
  });
  // Opened after this tab gave up waiting: closed at once, or it would block other tabs' upgrades.
  opening.then((late) => gaveUp && late.close(), () => undefined);
  try {
    db = await withTimeout(opening, options.openTimeoutMs ?? 3000, 'an older tab keeps the database open (close other tabs of this site)');
  } catch (error) {
    gaveUp = true;
    const blocked = error instanceof TimeoutError;
    const inMemory = memorySessionStore(options, { persistent: false, reason: blocked ? 'blocked' : 'unavailable', detail: describe(error) }, redactor);
    // What an older tab stored may still be there: forget deletes the database.
    return { ...inMemory, forget: async () => (await inMemory.forget(), await deleteDatabase(factory, options.openTimeoutMs ?? 3000)) };
  }
  let fallback: StoreHealth | null = null;
  const memory = memorySessionStore(options, { persistent: true }, redactor);

  /** Runs a database operation; on failure, the rest of the visit goes to memory. */
  async function guarded<T>(work: () => Promise<T>, inMemory: () => Promise<T>): Promise<T> {
    if (fallback) return inMemory();
    try {
      return await work();
    } catch (error) {
      const quota = error instanceof DOMException && error.name === 'QuotaExceededError';
      fallback = { persistent: false, reason: quota ? 'quota' : 'error', detail: describe(error) };
      console.error('[parley] the conversation can no longer be saved on this device:', error);
      return inMemory();
    }
  }

  return {
    health: () => fallback ?? { persistent: true },
    latest: (bot, maxAgeMs) =>
      guarded(
        async (): Promise<Latest> => {
          const now = options.now?.() ?? Date.now();
          const sessions = (await db.getAllFromIndex('sessions', 'bot', bot)).filter((s) => s.updatedAt >= now - maxAgeMs);
          const session = sessions.sort((a, b) => b.updatedAt - a.updatedAt)[0];
          // A newer release's session is not read, and not deleted: that release may still be open.
          if (!session || (session.format ?? 1) > SESSION_FORMAT) return null;
          const records = await db.getAllFromIndex('messages', 'sessionId', session.id);
          const messages = records.sort((a, b) => a.seq - b.seq).map((r) => r.message);
          if (!matches(storedState, session.state) || !messages.every((message: unknown) => matches(storedMessage, message))) {
            await deleteSessions(db, [session.id]);
            return { corrupt: true as const };
          }
          return { session, messages };
        },
        () => memory.latest(bot, maxAgeMs),
      ),
    saveTurn: (turn) =>
      guarded(
        async () => {
          const now = options.now?.() ?? Date.now();
          const tx = db.transaction(['sessions', 'messages', 'events'], 'readwrite');
          try {
            const sessions = tx.objectStore('sessions');
            const existing = await sessions.get(turn.state.sessionId);
            const state = redactor ? redactor.state(turn.state) : turn.state;
            await sessions.put({ id: turn.state.sessionId, bot: turn.bot, state, format: SESSION_FORMAT, createdAt: existing?.createdAt ?? now, updatedAt: now });
            const messages = tx.objectStore('messages');
            if (turn.replace) await messages.delete(IDBKeyRange.bound([turn.state.sessionId, 0], [turn.state.sessionId, Number.MAX_SAFE_INTEGER]));
            // The sequence continues from what is stored (another tab may have written turns too).
            let seq = await messages.index('sessionId').count(turn.state.sessionId);
            for (const message of turn.messages) await messages.put({ sessionId: turn.state.sessionId, seq: seq++, message: redactor ? redactor.message(message) : message } satisfies MessageRecord);
            const events = tx.objectStore('events');
            for (const event of turn.events ?? []) await events.add({ sessionId: turn.state.sessionId, at: now, ...event } satisfies EventRecord);
          } catch (error) {
            // Half a turn is never kept: whatever this transaction wrote is undone (unless the
            // browser aborted it already, which throws here).
            try {
              tx.abort();
            } catch {
              // already aborted
            }
            await tx.done.catch(() => {});
            throw error;
          }
          await tx.done;
        },
        () => memory.saveTurn(turn),
      ),
    forget: async () => {
      await memory.forget();
      try {
        // Cleared rather than deleted: other tabs keep their connection (and hear of it by broadcast).
        const tx = db.transaction(['sessions', 'messages', 'events'], 'readwrite');
        await Promise.all([tx.objectStore('sessions').clear(), tx.objectStore('messages').clear(), tx.objectStore('events').clear(), tx.done]);
      } catch (error) {
        // The database cannot be written (closed for a newer tab, broken): it is deleted whole instead,
        // and the rest of this visit is kept in memory.
        console.error('[parley] the stored conversation could not be cleared; deleting the database instead:', error);
        db.close();
        fallback = { persistent: false, reason: 'error', detail: `deleted after a failed clear (${describe(error)})` };
        await deleteDatabase(factory, options.openTimeoutMs ?? 3000);
      }
    },
    purge: (before) =>
      guarded(
        async () => {
          const old = await db.getAllKeysFromIndex('sessions', 'updatedAt', IDBKeyRange.upperBound(before, true));
          await deleteSessions(db, old);
          return old.length;
        },
        () => memory.purge(before),
      ),
    close: () => db.close(),
  };
}

/** Deletes the whole database; rejects with a ForgetError when the browser refuses or another tab blocks it. */
function deleteDatabase(factory: IDBFactory, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let request: IDBOpenDBRequest;
    try {
      request = factory.deleteDatabase(DATABASE_NAME);
    } catch (error) {
      return reject(new ForgetError(`the stored conversations could not be deleted: ${describe(error)}`, { cause: error }));
    }
    // Other tabs close their connection when asked (versionchange); one that does not blocks the delete.
    const timer = setTimeout(() => reject(new ForgetError('the stored conversations could not be deleted: another tab of this site keeps them open (close it and try again)')), timeoutMs);
    request.onsuccess = () => {
      clearTimeout(timer);
      resolve();
    };
    request.onerror = () => {
      clearTimeout(timer);
      reject(new ForgetError(`the stored conversations could not be deleted: ${describe(request.error)}`, { cause: request.error }));
    };
  });
}

async function deleteSessions(db: IDBPDatabase<ParleyDB>, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const tx = db.transaction(['sessions', 'messages', 'events'], 'readwrite');
  for (const id of ids) {
    await tx.objectStore('sessions').delete(id);
    await tx.objectStore('messages').delete(IDBKeyRange.bound([id, 0], [id, Number.MAX_SAFE_INTEGER]));
    for (const key of await tx.objectStore('events').index('sessionId').getAllKeys(id)) await tx.objectStore('events').delete(key);
  }
  await tx.done;
}

/** The same store in memory: for browsers without IndexedDB, and after a failure. */
export function memorySessionStore(options: StoreOptions, health: StoreHealth, redactor: Redactor | null = null): SessionStore {
  const sessions = new Map<string, SessionRecord>();
  const messages = new Map<string, ChatMessage[]>();
  const now = () => options.now?.() ?? Date.now();
  return {
    health: () => health,
    latest: async (bot, maxAgeMs) => {
      const session = [...sessions.values()].filter((s) => s.bot === bot && s.updatedAt >= now() - maxAgeMs).sort((a, b) => b.updatedAt - a.updatedAt)[0];
      return session ? { session: copy(session), messages: copy(messages.get(session.id) ?? []) } : null;
    },
    saveTurn: async (turn) => {
      const existing = sessions.get(turn.state.sessionId);
      sessions.set(turn.state.sessionId, { id: turn.state.sessionId, bot: turn.bot, state: copy(redactor ? redactor.state(turn.state) : turn.state), format: SESSION_FORMAT, createdAt: existing?.createdAt ?? now(), updatedAt: now() });
      const before = turn.replace ? [] : (messages.get(turn.state.sessionId) ?? []);
      messages.set(turn.state.sessionId, [...before, ...turn.messages.map((m) => copy(redactor ? redactor.message(m) : m))]);
    },
    forget: async () => {
      sessions.clear();
      messages.clear();
    },
    purge: async (before) => {
      const old = [...sessions.values()].filter((s) => s.updatedAt < before);
      for (const s of old) {
        sessions.delete(s.id);
        messages.delete(s.id);
      }
      return old.length;
    },
    close: () => {},
  };
}

/** A plain-data copy that never throws (what is not JSON is dropped, as IndexedDB would refuse it). */
function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

class TimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(message)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
