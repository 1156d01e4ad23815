/**
 * The example backend: every action the demo bot uses, on the SQLite database, behind
 * `createFulfillmentHandler` from `parley/server`. `npm start` and the e2e tests serve it at
 * /api/fulfillment; `examples/backend/main.ts` runs it on its own. It trusts nothing the widget
 * checked: every slot is checked again here, and the business rules (one refund per order) hold
 * whatever the keys.
 */
import { createFulfillmentHandler, FulfillmentError, type Action, type FulfillmentRequest } from '../../src/server';
import type { SqlValue } from 'sql.js';
import { openExampleDatabase, sqliteIdempotencyStore, type ExampleDatabase } from './database';

export interface ExampleBackend {
  handler: (request: Request) => Promise<Response>;
  db: ExampleDatabase;
}

export interface ExampleBackendOptions {
  /** A database file (created if missing); without it the database lives in memory. */
  dbPath?: string;
  /** An open database to share: several backends on one database act as several instances of one service. */
  db?: ExampleDatabase;
  /** Origins of pages allowed to call from another origin (`exampleOrigins()` reads a list); none by default (same origin). */
  cors?: { origins: string[] | '*' };
  log?: (error: unknown) => void;
  now?: () => number;
}

/** Where pages may call from when nobody said otherwise: the demo (npm start, vite preview) and vite's dev server on this machine. */
export const DEFAULT_ORIGINS = ['http://localhost:4173', 'http://127.0.0.1:4173', 'http://localhost:5173', 'http://127.0.0.1:5173'];

/**
 * Allowed origins from a comma-separated list (PARLEY_ALLOWED_ORIGINS, --origins): the localhost
 * defaults when empty, `*` only when asked for in so many words; anything that is not an origin
 * ("shop.example", "https://shop.example/api") is refused, never silently widened.
 */
export function exampleOrigins(list: string | undefined): string[] | '*' {
  const items = (list ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) return DEFAULT_ORIGINS;
  if (items.length === 1 && items[0] === '*') return '*';
  return items.map((item) => {
    const url = URL.canParse(item) ? new URL(item) : null;
    if (!url || !/^https?:$/.test(url.protocol) || url.origin !== item) throw new Error(`"${item}" is not an origin (like https://shop.example)`);
    return item;
  });
}

const ORDER_ID = /^[A-Z]\d{5}$/;
/** As the widget checks it (src/dialogue/slots.ts), and no longer than an address can be (RFC 5321). */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_EMAIL = 254;
const MAX_REASON = 500;
const TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?$/;
const DAY_MS = 24 * 60 * 60 * 1000;

type Slots = FulfillmentRequest['slots'];
const textSlot = (slots: Slots, name: string): string => {
  const value = Object.hasOwn(slots, name) ? slots[name] : undefined;
  return typeof value === 'string' ? value.trim() : '';
};

function orderIdOf(slots: Slots): string {
  const id = textSlot(slots, 'order_id').toUpperCase();
  if (!ORDER_ID.test(id)) throw new FulfillmentError('an order number is a letter and five digits, like A12345');
  return id;
}

function emailOf(slots: Slots): string {
  const email = textSlot(slots, 'email');
  if (email.length > MAX_EMAIL || !EMAIL.test(email)) throw new FulfillmentError('that is not an email address');
  return email;
}

function reasonOf(slots: Slots): string {
  const reason = textSlot(slots, 'refund_reason');
  if (reason.length > MAX_REASON) throw new FulfillmentError(`the reason is too long (at most ${MAX_REASON} characters)`);
  return reason || 'not given';
}

/** A real calendar day, from yesterday (the visitor's day may still be ours' yesterday) to a year ahead. */
function callDateOf(slots: Slots, now: number): string {
  const day = textSlot(slots, 'call_date');
  const at = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
  // Date.parse rolls 2027-02-30 over to March: a day that comes back different did not exist.
  if (Number.isNaN(at) || new Date(at).toISOString().slice(0, 10) !== day) throw new FulfillmentError('that is not a date (like 2026-12-24)');
  const today = Date.parse(`${new Date(now).toISOString().slice(0, 10)}T00:00:00Z`);
  if (at < today - DAY_MS) throw new FulfillmentError('that date is in the past');
  if (at > today + 366 * DAY_MS) throw new FulfillmentError('we book calls up to a year ahead');
  return day;
}

function callTimeOf(slots: Slots): string {
  const time = textSlot(slots, 'call_time');
  if (!TIME.test(time)) throw new FulfillmentError('that is not a time (like 15:30)');
  return time;
}

export async function createExampleBackend(options: ExampleBackendOptions = {}): Promise<ExampleBackend> {
  const db = options.db ?? (await openExampleDatabase(options.dbPath));
  const now = options.now ?? Date.now;
  const stamp = () => new Date(now()).toISOString();

  /**
   * Writes one row for a request, or finds the one written earlier with its idempotency key: at most
   * one row per request. Refunds and tickets get readable ids from their sequence ("R1000", "T1000").
   */
  function writeOnce(table: 'password_resets' | 'tickets', key: string, row: Record<string, SqlValue>): string {
    return db.transaction(() => {
      const [existing] = db.all<{ id: SqlValue }>(`SELECT id FROM ${table} WHERE idempotency_key = ?`, [key]);
      if (existing) return String(existing.id);
      const id = table === 'tickets' ? `T${db.next('tickets')}` : null;
      insert(table, { ...(id && { id }), ...row, idempotency_key: key, created_at: stamp() });
      return id ?? '';
    });
  }

  function insert(table: string, columns: Record<string, SqlValue>): void {
    db.run(`INSERT INTO ${table} (${Object.keys(columns).join(', ')}) VALUES (${Object.keys(columns).map(() => '?').join(', ')})`, Object.values(columns));
  }

  const actions: Record<string, Action> = {
    order_status: ({ slots }) => {
      const id = orderIdOf(slots);
      if (id === 'E00000') throw new Error('simulated outage of the order system (order E00000)');
      const [order] = db.all<{ state: string; delivery_date: string | null }>('SELECT state, delivery_date FROM orders WHERE id = ?', [id]);
      if (!order) throw new FulfillmentError(`we have no order ${id}`);
      return { slots: { order_state: order.state, delivery_date: order.delivery_date } };
    },
    create_refund: ({ slots, sessionId }, { idempotencyKey }) => {
      const orderId = orderIdOf(slots);
      const reason = reasonOf(slots);
      if (orderId === 'E00000') throw new Error('simulated outage of the refund system (order E00000)');
      if (db.all('SELECT 1 FROM orders WHERE id = ?', [orderId]).length === 0) throw new FulfillmentError(`we have no order ${orderId}`);
      // One refund per order, whatever the key: checked and written in one transaction (BEGIN IMMEDIATE), so two requests cannot both pass the check.
      const refund = db.transaction(() => {
        const [mine] = db.all<{ id: string }>('SELECT id FROM refunds WHERE idempotency_key = ?', [idempotencyKey]);
        if (mine) return { id: mine.id, earlier: false };
        const [earlier] = db.all<{ id: string }>('SELECT id FROM refunds WHERE order_id = ? ORDER BY created_at LIMIT 1', [orderId]);
        if (earlier) return { id: earlier.id, earlier: true };
        const id = `R${db.next('refunds')}`;
        insert('refunds', { id, order_id: orderId, reason, session_id: sessionId, idempotency_key: idempotencyKey, created_at: stamp() });
        return { id, earlier: false };
      });
      return refund.earlier
        ? { slots: { refund_id: refund.id }, messages: [`Order ${orderId} already has a refund (${refund.id}), so no second one was made.`] }
        : { slots: { refund_id: refund.id } };
    },
    password_reset: ({ slots }, { idempotencyKey }) => {
      // The same answer whether or not the address has an account: nothing to learn by probing.
      writeOnce('password_resets', idempotencyKey, { email: emailOf(slots) });
    },
    schedule_call: ({ slots, sessionId }, { idempotencyKey }) => {
      const row = { kind: 'call', call_date: callDateOf(slots, now()), call_time: callTimeOf(slots), session_id: sessionId };
      return { slots: { ticket_id: writeOnce('tickets', idempotencyKey, row) } };
    },
    handoff: ({ transcript, sessionId }, { idempotencyKey }) => {
      const ticketId = writeOnce('tickets', idempotencyKey, { kind: 'handoff', transcript: JSON.stringify(transcript ?? []), session_id: sessionId });
      return { messages: [`A member of our team will answer here shortly (ticket **${ticketId}**).`] };
    },
  };

  const handler = createFulfillmentHandler({
    actions,
    // Claims and answers are kept in the same database: a replay survives a restart, and instances sharing the database share them.
    idempotency: sqliteIdempotencyStore(db, { now }),
    ...(options.cors && { cors: options.cors }),
    onError: options.log ?? ((error) => console.error('[example backend]', error instanceof Error ? error.message : error)),
  });
  return { handler, db };
}
