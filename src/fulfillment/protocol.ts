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

export type TranscriptEntry = NonNullable<FulfillmentRequest['transcript']>[number];

/** The part of the server's 64 KiB request limit a handoff's transcript may take (the rest: slots, context). */
export const MAX_TRANSCRIPT_BYTES = 48 * 1024;

/**
 * The newest messages whose JSON fits in `maxBytes` (a long chat would otherwise be refused with 413
 * and the handoff lost), after a first entry that says how many earlier ones were left out. A single
 * message too long to fit is cut.
 */
export function fitTranscript(entries: readonly TranscriptEntry[], maxBytes = MAX_TRANSCRIPT_BYTES): TranscriptEntry[] {
  const encoder = new TextEncoder();
  const size = (entry: TranscriptEntry) => encoder.encode(JSON.stringify(entry)).byteLength + 1;
  // Room for the note about what was left out.
  const budget = maxBytes - 120;
  const kept: TranscriptEntry[] = [];
  let used = 2;
  for (let i = entries.length - 1; i >= 0; i--) {
    let entry = entries[i]!;
    if (used + size(entry) > budget) {
      if (kept.length > 0) break;
      // Even the newest message alone is too long: its start is kept.
      entry = { ...entry, text: `${entry.text.slice(0, Math.max(0, Math.floor((budget - used - 200) / 4)))}…` };
    }
    kept.unshift(entry);
    used += size(entry);
  }
  const left = entries.length - kept.length;
  if (left === 0) return kept;
  return [{ from: 'bot', text: `(${left} earlier message${left === 1 ? '' : 's'} left out)`, at: entries[0]!.at }, ...kept];
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
