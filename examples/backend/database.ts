/**
 * The example backend's database: real SQLite (sql.js, SQLite compiled to WebAssembly, so nothing
 * native to build), seeded with demo orders. Every write records the request's idempotency key under
 * a UNIQUE constraint in the same transaction: a request delivered twice can never write twice, even
 * if the server restarts between the deliveries. Readable ids come from sequences, never from a
 * count. With a file path, the database is saved after each write. `sqliteIdempotencyStore` keeps
 * the fulfillment handler's claims and answers in the same database.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import initSqlJs, { type Database, type SqlValue } from 'sql.js';
import { SERVER_DEFAULTS, type IdempotencyStore, type StoredAnswer } from '../../src/server';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS orders (
  id TEXT PRIMARY KEY, state TEXT NOT NULL, delivery_date TEXT, total_cents INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS refunds (
  id TEXT PRIMARY KEY, order_id TEXT NOT NULL REFERENCES orders(id), reason TEXT NOT NULL,
  session_id TEXT NOT NULL, idempotency_key TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS refunds_by_order ON refunds(order_id);
CREATE TABLE IF NOT EXISTS password_resets (
  id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL, idempotency_key TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tickets (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, call_date TEXT, call_time TEXT, transcript TEXT,
  session_id TEXT NOT NULL, idempotency_key TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
-- The last number given for each readable id ("R1000", "T1000"): never reused, even after a delete.
CREATE TABLE IF NOT EXISTS sequences (name TEXT PRIMARY KEY, last INTEGER NOT NULL);
-- The fulfillment handler's claims (claim_token set, no answer yet) and answers (claim_token NULL).
-- expires_at is in ms since 1970: the claim's lapse, then the answer's end of keeping.
CREATE TABLE IF NOT EXISTS idempotency_keys (
  key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, claim_token TEXT, status INTEGER, body TEXT,
  expires_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS idempotency_keys_by_expiry ON idempotency_keys(expires_at);
-- Answers of the earlier get/set store (unhashed fingerprints, no claims). A retry of one of its
-- keys runs the action again, which finds its row through that row's UNIQUE idempotency_key.
DROP TABLE IF EXISTS idempotency;
`;

/** Readable ids start at 1000 ("R1000"); an existing database continues after its highest id. */
const SEQUENCES = { refunds: 'refunds', tickets: 'tickets' } as const;
const FIRST_ID = 1000;

/** The demo orders (E00000 is the one whose lookups fail, to show the failure path). */
export const SEED_ORDERS = [
  { id: 'A12345', state: 'shipped', delivery_date: '2026-11-25', total_cents: 8900 },
  { id: 'A12346', state: 'processing', delivery_date: '2026-11-28', total_cents: 4500 },
  { id: 'B77777', state: 'delivered', delivery_date: '2026-11-18', total_cents: 24900 },
  { id: 'C55555', state: 'cancelled', delivery_date: null, total_cents: 1200 },
  { id: 'E00000', state: 'unknown', delivery_date: null, total_cents: 100 },
];

export interface ExampleDatabase {
  /** Rows of a query as objects. */
  all<T = Record<string, SqlValue>>(sql: string, params?: SqlValue[]): T[];
  /** Runs a statement; the number of rows it changed. */
  run(sql: string, params?: SqlValue[]): number;
  /** Runs `work` in one transaction (BEGIN IMMEDIATE: writers one at a time): all of it is written, or none of it. */
  transaction<T>(work: () => T): T;
  /** The next number of a sequence, inside the caller's transaction. */
  next(sequence: keyof typeof SEQUENCES): number;
  count(table: 'refunds' | 'password_resets' | 'tickets'): number;
  close(): void;
}

export async function openExampleDatabase(path?: string): Promise<ExampleDatabase> {
  const SQL = await initSqlJs();
  const db: Database = path && existsSync(path) ? new SQL.Database(readFileSync(path)) : new SQL.Database();
  db.exec(SCHEMA);
  for (const order of SEED_ORDERS) {
    db.run('INSERT OR IGNORE INTO orders (id, state, delivery_date, total_cents) VALUES (?, ?, ?, ?)', [order.id, order.state, order.delivery_date, order.total_cents]);
  }
  for (const table of Object.values(SEQUENCES)) {
    // A database from before the sequences starts after its highest id.
    db.run(`INSERT OR IGNORE INTO sequences (name, last) SELECT ?, COALESCE(MAX(CAST(SUBSTR(id, 2) AS INTEGER)), ?) FROM ${table}`, [table, FIRST_ID - 1]);
  }
  const save = () => {
    if (!path) return;
    // Written aside, then renamed: a crash mid-write never leaves a broken file.
    writeFileSync(`${path}.tmp`, db.export());
    renameSync(`${path}.tmp`, path);
  };
  save();

  const all = <T>(sql: string, params: SqlValue[] = []): T[] => {
    const statement = db.prepare(sql, params);
    const rows: T[] = [];
    try {
      while (statement.step()) rows.push(statement.getAsObject() as T);
    } finally {
      statement.free();
    }
    return rows;
  };
  return {
    all,
    run: (sql, params = []) => {
      db.run(sql, params);
      return db.getRowsModified();
    },
    transaction(work) {
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = work();
        db.exec('COMMIT');
        save();
        return result;
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    },
    next: (sequence) => all<{ last: number }>('UPDATE sequences SET last = last + 1 WHERE name = ? RETURNING last', [SEQUENCES[sequence]])[0]!.last,
    count: (table) => all<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)[0]!.n,
    close: () => {
      save();
      db.close();
    },
  };
}

/**
 * The fulfillment handler's idempotency store in this database, shared by every instance that
 * opens it. A claim is one INSERT ... ON CONFLICT DO NOTHING in a transaction that first drops
 * what has expired: it succeeds for exactly one caller. Answers are kept `ttlMs` (a day).
 */
export function sqliteIdempotencyStore(db: ExampleDatabase, options: { ttlMs?: number; now?: () => number } = {}): IdempotencyStore {
  const ttlMs = options.ttlMs ?? SERVER_DEFAULTS.answerTtlMs;
  const now = options.now ?? Date.now;
  return {
    claim(key, { fingerprint, token, ttlMs: claimTtlMs }) {
      return db.transaction(() => {
        const time = now();
        // Every expired claim and answer goes, not only this key's: the table stays as large as a day of requests.
        db.run('DELETE FROM idempotency_keys WHERE expires_at <= ?', [time]);
        const inserted = db.run('INSERT INTO idempotency_keys (key, fingerprint, claim_token, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING', [key, fingerprint, token, time + claimTtlMs]);
        if (inserted === 1) return { state: 'claimed' as const };
        const [row] = db.all<{ fingerprint: string; claim_token: string | null; status: number; body: string }>('SELECT fingerprint, claim_token, status, body FROM idempotency_keys WHERE key = ?', [key]);
        if (row!.claim_token !== null) return { state: 'in-flight' as const, fingerprint: row!.fingerprint };
        return { state: 'answered' as const, answer: { fingerprint: row!.fingerprint, status: row!.status, body: JSON.parse(row!.body) as StoredAnswer['body'] } };
      });
    },
    complete(key, token, answer) {
      db.transaction(() =>
        db.run('UPDATE idempotency_keys SET fingerprint = ?, claim_token = NULL, status = ?, body = ?, expires_at = ? WHERE key = ? AND claim_token = ?', [
          answer.fingerprint,
          answer.status,
          JSON.stringify(answer.body),
          now() + ttlMs,
          key,
          token,
        ]),
      );
    },
    release(key, token) {
      db.transaction(() => db.run('DELETE FROM idempotency_keys WHERE key = ? AND claim_token = ?', [key, token]));
    },
  };
}
