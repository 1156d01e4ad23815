/**
 * The fulfillment protocol: the one backend call Parley makes. `POST <fulfillment_url>` with a JSON
 * request and an `Idempotency-Key` header; the site answers with a JSON response. docs/fulfillment.md
 * describes it for backend developers with examples; these types and schemas are the contract.
 */
import { either, isRecord, list, literal, map, nullable, number, object, optional, own, refine, scalar, string, type Parser } from '../check';

export const FULFILLMENT_PROTOCOL = 1;

export type SlotValue = string | number | boolean;

/** What the widget sends. */
export interface FulfillmentRequest {
  protocol: typeof FULFILLMENT_PROTOCOL;
  /** The flow's action, e.g. "order_status", "create_refund"; "handoff" for a handoff to a person. */
  action: string;
  sessionId: string;
  /** Unique per request; retries of the same request reuse it (and the Idempotency-Key). */
  requestId: string;
  slots: Record<string, SlotValue>;
  /** What the model understood in the visitor's last message. */
  intent: { name: string; confidence: number } | null;
  entities: Array<{ entity: string; value: unknown; start?: number; end?: number }>;
  /** The visitor's language, e.g. "en-GB". */
  locale: string;
  /** Only for "handoff": the conversation so far, for the person taking over. */
  transcript?: Array<{ from: 'user' | 'bot'; text: string; at: string }>;
}

/**
 * What the site answers. Unknown fields are ignored (a newer backend may send more); anything that
 * does not match is an error for the widget, logged with the reason, never a crash.
 */
export type FulfillmentResponse =
  | {
      status: 'ok';
      /** Extra messages to show the visitor (markdown, sanitised like the bot's own). */
      messages?: string[];
      /** Slot values to set (null clears a slot), e.g. `{ "order_state": "shipped" }`. */
      slots?: Record<string, SlotValue | null>;
      /** Something to do next: hand the conversation to a person, or end it. */
      followUp?: 'handoff' | 'end';
    }
  | {
      status: 'error';
      /** A message safe to show the visitor ("we have no order A99999"). */
      message: string;
    }
  | {
      status: 'retry';
      /** Try again after this many seconds (also read from a Retry-After header). */
      retryAfterSeconds?: number;
      message?: string;
    };

// Read in the page's main thread, by own properties only (src/check.ts).
const okResponse = object({ status: literal('ok'), messages: optional(list(string)), slots: optional(map(nullable(scalar))), followUp: optional(literal('handoff', 'end')) });
const errorResponse = object({ status: literal('error'), message: string });
const retryResponse = object({ status: literal('retry'), retryAfterSeconds: optional(refine(number, (seconds) => (seconds >= 0 ? null : 'must be 0 or more'))), message: optional(string) });
const unknownStatus = object({ status: literal('ok', 'error', 'retry') });

const fulfillmentResponse = either<FulfillmentResponse>((body) => {
  const status = isRecord(body) ? own(body, 'status') : undefined;
  return status === 'ok' ? okResponse : status === 'error' ? errorResponse : status === 'retry' ? retryResponse : (unknownStatus as Parser<never>);
});

/** Parses a response body; the reason says what does not match, for the log. */
export function readFulfillmentResponse(body: unknown): { ok: true; response: FulfillmentResponse } | { ok: false; reason: string } {
  const problems: string[] = [];
  const response = fulfillmentResponse(body, '', problems);
  return problems[0] === undefined ? { ok: true, response } : { ok: false, reason: problems[0] };
}
