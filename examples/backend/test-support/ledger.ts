/**
 * What the backend actually did, seen from a handler wrapped around it: every request that reached it,
 * and whether it was executed (a fresh answer), replayed (`Idempotent-Replayed: true`), refused (an
 * error the visitor may read) or failed (5xx). Side effects are counted by what they are, per
 * (action, session, business object), never by idempotency key: a refund made twice under two keys is
 * two refunds, whatever the database's constraints say.
 */
export type Outcome = 'executed' | 'replayed' | 'refused' | 'failed';

export interface Execution {
  action: string;
  sessionId: string;
  requestId: string;
  /** The business object acted on: the order for a refund, the e-mail for a password reset, date and time for a call. */
  object: string;
  outcome: Outcome;
  /** The id the backend gave the result (refund id, ticket id), when it gave one. */
  resultId: string | null;
}

export interface Ledger {
  readonly executions: readonly Execution[];
  /** Distinct side effects for one object: executed requests, one per result id when the backend gives ids. */
  sideEffects(action: string, sessionId: string, object: string): number;
  /** Every (session, object) of an action with its side effects. */
  byObject(action: string): Array<{ sessionId: string; object: string; count: number }>;
  /** Result ids of executed requests (refund ids shown to the visitor must be among them). */
  resultIds(action: string): Set<string>;
}

type Slots = Record<string, unknown>;

/** The business object of a request, as the visitor would name it. */
export function businessObject(action: string, slots: Slots): string {
  const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');
  switch (action) {
    case 'create_refund':
      return text(slots.order_id).toUpperCase();
    case 'password_reset':
      return text(slots.email).toLowerCase();
    case 'schedule_call':
      return `${text(slots.call_date)} ${text(slots.call_time)}`;
    default:
      return '';
  }
}

function resultIdOf(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || !('slots' in body)) return null;
  const slots = body.slots;
  if (typeof slots !== 'object' || slots === null) return null;
  for (const key of ['refund_id', 'ticket_id']) {
    const value = (slots as Slots)[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return null;
}

async function readJson(source: Request | Response): Promise<unknown> {
  try {
    return await source.clone().json();
  } catch {
    return null;
  }
}

const field = (value: unknown, name: string): unknown => (typeof value === 'object' && value !== null ? (value as Slots)[name] : undefined);

/** The backend's handler, wrapped: each request it answers is written to the returned ledger. */
export function recordingHandler(handler: (request: Request) => Promise<Response>): { handler: (request: Request) => Promise<Response>; ledger: Ledger } {
  const executions: Execution[] = [];
  const wrapped = async (request: Request): Promise<Response> => {
    const body = await readJson(request);
    const response = await handler(request);
    const answer = await readJson(response);
    const action = String(field(body, 'action') ?? '');
    const outcome: Outcome =
      response.headers.get('Idempotent-Replayed') === 'true' ? 'replayed' : response.status >= 500 ? 'failed' : response.status === 200 && field(answer, 'status') === 'ok' ? 'executed' : 'refused';
    const slots = field(body, 'slots');
    executions.push({
      action,
      sessionId: String(field(body, 'sessionId') ?? ''),
      requestId: String(field(body, 'requestId') ?? ''),
      object: businessObject(action, typeof slots === 'object' && slots !== null ? (slots as Slots) : {}),
      outcome,
      resultId: resultIdOf(answer),
    });
    return response;
  };

  const executed = (action: string) => executions.filter((e) => e.outcome === 'executed' && e.action === action);
  const count = (list: readonly Execution[]) => {
    // An answer that names a result given earlier (the same refund id) is the same side effect.
    const ids = new Set(list.map((e) => e.resultId).filter((id): id is string => id !== null));
    return ids.size + list.filter((e) => e.resultId === null).length;
  };
  const ledger: Ledger = {
    executions,
    sideEffects: (action, sessionId, object) => count(executed(action).filter((e) => e.sessionId === sessionId && e.object === object)),
    byObject(action) {
      const groups = new Map<string, Execution[]>();
      for (const e of executed(action)) groups.set(`${e.sessionId}\n${e.object}`, [...(groups.get(`${e.sessionId}\n${e.object}`) ?? []), e]);
      return [...groups.values()].map((list) => ({ sessionId: list[0]!.sessionId, object: list[0]!.object, count: count(list) }));
    },
    resultIds: (action) => new Set(executed(action).map((e) => e.resultId).filter((id): id is string => id !== null)),
  };
  return { handler: wrapped, ledger };
}
