/**
 * The one IndexedDB database Parley keeps on the visitor's device, and its migrations. Each version's
 * step runs once, in order, inside the upgrade transaction: a visitor on any old version gets every
 * step since, and their data with it.
 */
import { wrap, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { ChatMessage } from '../conversation/types';
import type { DialogueState } from '../dialogue/types';

export const DATABASE_NAME = 'parley';
export const DATABASE_VERSION = 2;

export interface SessionRecord {
  /** The dialogue state's session id. */
  id: string;
  /** Which bot (its bundle URL): one site may embed several. */
  bot: string;
  state: DialogueState;
  /** The record's format (SESSION_FORMAT in session-store.ts); absent in records of the first releases (1). */
  format?: number;
  createdAt: number;
  updatedAt: number;
}

export interface MessageRecord {
  sessionId: string;
  /** Order within the session. */
  seq: number;
  message: ChatMessage;
}

export interface EventRecord {
  id?: number;
  sessionId: string;
  at: number;
  /** What happened in a turn: an engine action such as "handoff", "call_fulfillment", "end". */
  type: string;
  detail?: string;
}

export interface ParleyDB extends DBSchema {
  sessions: { key: string; value: SessionRecord; indexes: { bot: string; updatedAt: number } };
  messages: { key: [string, number]; value: MessageRecord; indexes: { sessionId: string } };
  events: { key: number; value: EventRecord; indexes: { sessionId: string } };
}

type Upgrade = (db: IDBPDatabase<ParleyDB>, transaction: IDBPTransaction<ParleyDB, Array<StoreNames<ParleyDB>>, 'versionchange'>) => void;

/** MIGRATIONS[v] upgrades a database of version v - 1 to version v. */
export const MIGRATIONS: Record<number, Upgrade> = {
  // 1: sessions and their messages.
  1: (db) => {
    const sessions = db.createObjectStore('sessions', { keyPath: 'id' });
    sessions.createIndex('bot', 'bot');
    const messages = db.createObjectStore('messages', { keyPath: ['sessionId', 'seq'] });
    messages.createIndex('sessionId', 'sessionId');
  },
  // 2: what happened in each turn (events), and sessions by age for the retention sweep.
  2: (db, transaction) => {
    const events = db.createObjectStore('events', { keyPath: 'id', autoIncrement: true });
    events.createIndex('sessionId', 'sessionId');
    transaction.objectStore('sessions').createIndex('updatedAt', 'updatedAt');
  },
};

export function upgrade(db: IDBPDatabase<ParleyDB>, oldVersion: number, newVersion: number, transaction: IDBPTransaction<ParleyDB, Array<StoreNames<ParleyDB>>, 'versionchange'>): void {
  for (let version = oldVersion + 1; version <= newVersion; version++) MIGRATIONS[version]?.(db, transaction);
}

/**
 * Opens the database on a given IndexedDB factory (the page's, or a test's), running the migrations.
 * `onBlocking` is called when another tab needs a newer version and waits for this one to close.
 */
export function openDatabase(factory: IDBFactory, options: { version?: number; onBlocking?: () => void } = {}): Promise<IDBPDatabase<ParleyDB>> {
  return new Promise((resolve, reject) => {
    let request: IDBOpenDBRequest;
    try {
      request = factory.open(DATABASE_NAME, options.version ?? DATABASE_VERSION);
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    request.onupgradeneeded = (event) => {
      const db = wrap(request.result) as IDBPDatabase<ParleyDB>;
      const transaction = wrap(request.transaction!) as unknown as IDBPTransaction<ParleyDB, Array<StoreNames<ParleyDB>>, 'versionchange'>;
      upgrade(db, event.oldVersion, event.newVersion ?? DATABASE_VERSION, transaction);
    };
    request.onerror = () => reject(request.error ?? new Error('the database could not be opened'));
    request.onsuccess = () => {
      const raw = request.result;
      raw.onversionchange = () => options.onBlocking?.();
      resolve(wrap(raw) as IDBPDatabase<ParleyDB>);
    };
  });
}
