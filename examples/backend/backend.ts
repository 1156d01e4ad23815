/**
 * The example backend: every action the demo bot uses, on the SQLite database, behind
 * `createFulfillmentHandler` from `parley/server`. `npm start` and the e2e tests serve it at
 * /api/fulfillment; `examples/backend/main.ts` runs it on its own.
 */
import { createFulfillmentHandler, FulfillmentError, type Action, type KeyValueIdempotencyStore, type StoredAnswer } from '../../src/server';
import type { SqlValue } from 'sql.js';
import { openExampleDatabase, type ExampleDatabase } from './database';

export interface ExampleBackend {
  handler: (request: Request) => Promise<Response>;
  db: ExampleDatabase;
}

export async function createExampleBackend(options: { dbPath?: string; cors?: { origins: string[] | '*' }; log?: (error: unknown) => void } = {}): Promise<ExampleBackend> {
  const db = await openExampleDatabase(options.dbPath);
  const stamp = () => new Date().toISOString();
  const text = (value: unknown) => String(value ?? '').trim();

  /**
   * Writes one row for a request, or finds the one written earlier with its idempotency key: at most
   * one row per request. Refunds and tickets get readable ids ("R1000", "T1000"); returns the id.
   */
  function writeOnce(table: 'refunds' | 'password_resets' | 'tickets', key: string, row: Record<string, SqlValue>, prefix?: 'R' | 'T'): string {
    return db.transaction(() => {
      const [existing] = db.all<{ id: SqlValue }>(`SELECT id FROM ${table} WHERE idempotency_key = ?`, [key]);
      if (existing) return String(existing.id);
      const id = prefix ? `${prefix}${1000 + db.count(table)}` : null;
      const columns = { ...(id && { id }), ...row, idempotency_key: key, created_at: stamp() };
      db.run(`INSERT INTO ${table} (${Object.keys(columns).join(', ')}) VALUES (${Object.keys(columns).map(() => '?').join(', ')})`, Object.values(columns));
      return id ?? '';
    });
  }

  const actions: Record<string, Action> = {
    order_status: ({ slots }) => {
      const id = text(slots.order_id).toUpperCase();
      if (id === 'E00000') throw new Error('simulated outage of the order system (order E00000)');
      const [order] = db.all<{ state: string; delivery_date: string | null }>('SELECT state, delivery_date FROM orders WHERE id = ?', [id]);
      if (!order) throw new FulfillmentError(`we have no order ${id}`);
      return { slots: { order_state: order.state, delivery_date: order.delivery_date } };
    },
    create_refund: ({ slots, sessionId }, { idempotencyKey }) => {
      const orderId = text(slots.order_id).toUpperCase();
      if (orderId === 'E00000') throw new Error('simulated outage of the refund system (order E00000)');
      if (db.all('SELECT 1 FROM orders WHERE id = ?', [orderId]).length === 0) throw new FulfillmentError(`we have no order ${orderId}`);
      const refundId = writeOnce('refunds', idempotencyKey, { order_id: orderId, reason: text(slots.refund_reason) || 'not given', session_id: sessionId }, 'R');
      return { slots: { refund_id: refundId } };
    },
    password_reset: ({ slots }, { idempotencyKey }) => {
      // The same answer whether or not the address has an account: nothing to learn by probing.
      writeOnce('password_resets', idempotencyKey, { email: text(slots.email) });
    },
    schedule_call: ({ slots, sessionId }, { idempotencyKey }) => {
      const ticketId = writeOnce('tickets', idempotencyKey, { kind: 'call', call_date: text(slots.call_date), call_time: text(slots.call_time), session_id: sessionId }, 'T');
      return { slots: { ticket_id: ticketId } };
    },
    handoff: ({ transcript, sessionId }, { idempotencyKey }) => {
      const ticketId = writeOnce('tickets', idempotencyKey, { kind: 'handoff', transcript: JSON.stringify(transcript ?? []), session_id: sessionId }, 'T');
      return { messages: [`A member of our team will answer here shortly (ticket **${ticketId}**).`] };
    },
  };

  // Answers are kept in the same database, so a replay survives a restart.
  const idempotency: KeyValueIdempotencyStore = {
    get(key) {
      const [row] = db.all<{ fingerprint: string; status: number; body: string }>('SELECT fingerprint, status, body FROM idempotency WHERE key = ?', [key]);
      return row ? { fingerprint: row.fingerprint, status: row.status, body: JSON.parse(row.body) as StoredAnswer['body'] } : undefined;
    },
    set(key, answer) {
      db.transaction(() => db.run('INSERT OR REPLACE INTO idempotency (key, fingerprint, status, body, created_at) VALUES (?, ?, ?, ?, ?)', [key, answer.fingerprint, answer.status, JSON.stringify(answer.body), stamp()]));
    },
  };

  const handler = createFulfillmentHandler({
    actions,
    idempotency,
    ...(options.cors && { cors: options.cors }),
    onError: options.log ?? ((error) => console.error('[example backend]', error instanceof Error ? error.message : error)),
  });
  return { handler, db };
}
