/**
 * The fulfillment protocol: the one backend call Parley makes. `POST <fulfillment_url>` with a JSON
 * request and an `Idempotency-Key` header; the site answers with a JSON response. docs/fulfillment.md
 * describes it for backend developers with examples; these types and schemas are the contract.
 */
import * as v from 'valibot';

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

const SlotValueSchema = v.union([v.string(), v.number(), v.boolean()]);

/**
 * What the site answers. Unknown fields are ignored (a newer backend may send more); anything that
 * does not match is an error for the widget, logged with the reason, never a crash.
 */
export const FulfillmentResponseSchema = v.variant('status', [
  v.looseObject({
    status: v.literal('ok'),
    /** Extra messages to show the visitor (markdown, sanitised like the bot's own). */
    messages: v.optional(v.array(v.string())),
    /** Slot values to set (null clears a slot), e.g. `{ "order_state": "shipped" }`. */
    slots: v.optional(v.record(v.string(), v.nullable(SlotValueSchema))),
    /** Something to do next: hand the conversation to a person, or end it. */
    followUp: v.optional(v.picklist(['handoff', 'end'])),
  }),
  v.looseObject({
    status: v.literal('error'),
    /** A message safe to show the visitor ("we have no order A99999"). */
    message: v.string(),
  }),
  v.looseObject({
    status: v.literal('retry'),
    /** Try again after this many seconds (also read from a Retry-After header). */
    retryAfterSeconds: v.optional(v.pipe(v.number(), v.minValue(0))),
    message: v.optional(v.string()),
  }),
]);

export type FulfillmentResponse = v.InferOutput<typeof FulfillmentResponseSchema>;

/** Parses a response body; the reason says what does not match, for the log. */
export function readFulfillmentResponse(body: unknown): { ok: true; response: FulfillmentResponse } | { ok: false; reason: string } {
  const result = v.safeParse(FulfillmentResponseSchema, body);
  if (result.success) return { ok: true, response: result.output };
  const issue = result.issues[0];
  const path = issue.path?.map((item) => String(item.key)).join('.') ?? '';
  return { ok: false, reason: `${path ? `${path}: ` : ''}${issue.message}` };
}
