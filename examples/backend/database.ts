/**
 * The example backend's database: real SQLite (sql.js, SQLite compiled to WebAssembly, so nothing
 * native to build), seeded with demo orders. Every write records the request's idempotency key under
 * a UNIQUE constraint in the same transaction: a request delivered twice can never write twice, even
 * if the server restarts between the deliveries. With a file path, the database is saved after each write.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import initSqlJs, { type Database, type SqlValue } from 'sql.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS orders (
  id TEXT PRIMARY KEY, state TEXT NOT NULL, delivery_date TEXT, total_cents INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS refunds (
  id TEXT PRIMARY KEY, order_id TEXT NOT NULL REFERENCES orders(id), reason TEXT NOT NULL,
  session_id TEXT NOT NULL, idempotency_key TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS password_resets (
  id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL, idempotency_key TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tickets (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, call_date TEXT, call_time TEXT, transcript TEXT,
  session_id TEXT NOT NULL, idempotency_key TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS idempotency (
  key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL);
`;

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
  run(sql: string, params?: SqlValue[]): void;
  /** Runs `work` in one transaction: all of it is written, or none of it. */
  transaction<T>(work: () => T): T;
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
    run: (sql, params = []) => db.run(sql, params),
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
    count: (table) => all<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)[0]!.n,
    close: () => {
      save();
      db.close();
    },
  };
}
