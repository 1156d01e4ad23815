/**
 * The demo store's fulfillment endpoint (POST /api/fulfillment), with a few fixture orders, for
 * `npm start` and the e2e tests. Order "E00000" makes the backend fail, to show the failure path.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

const ORDERS: Record<string, { state: string; delivery: string }> = {
  A12345: { state: 'shipped', delivery: '2026-11-25' },
  A12346: { state: 'processing', delivery: '2026-11-28' },
  B77777: { state: 'delivered', delivery: '2026-11-18' },
  C55555: { state: 'cancelled', delivery: '' },
};

type Slots = Record<string, string | number | boolean>;
type Answer = { status: 'ok'; slots?: Record<string, string | number | null> } | { status: 'error'; message: string };

let nextId = 1000;

function perform(action: string, slots: Slots): Answer {
  const orderId = String(slots.order_id ?? '').toUpperCase();
  switch (action) {
    case 'order_status': {
      if (orderId === 'E00000') throw new Error('simulated outage');
      const order = ORDERS[orderId];
      return order ? { status: 'ok', slots: { order_state: order.state, delivery_date: order.delivery || null } } : { status: 'error', message: `we have no order ${orderId}` };
    }
    case 'create_refund':
      if (orderId === 'E00000') throw new Error('simulated outage');
      return ORDERS[orderId] ? { status: 'ok', slots: { refund_id: `R${nextId++}` } } : { status: 'error', message: `we have no order ${orderId}` };
    case 'password_reset':
      return { status: 'ok' };
    case 'schedule_call':
      return { status: 'ok', slots: { ticket_id: `T${nextId++}` } };
    default:
      return { status: 'error', message: `this shop cannot do "${action}"` };
  }
}

export function handleFulfillment(req: IncomingMessage, res: ServerResponse): void {
  const send = (status: number, body: unknown) => {
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(body));
  };
  if (req.method !== 'POST') return send(405, { status: 'error', message: 'POST only' });
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (raw += chunk));
  req.on('end', () => {
    try {
      const request = JSON.parse(raw) as { action?: unknown; slots?: unknown };
      if (typeof request.action !== 'string') return send(400, { status: 'error', message: 'no action' });
      send(200, perform(request.action, (request.slots ?? {}) as Slots));
    } catch (error) {
      send(500, { status: 'error', message: error instanceof SyntaxError ? 'not JSON' : 'our order system is down, please try again later' });
    }
  });
}
