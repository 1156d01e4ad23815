/**
 * A handoff's transcript, fitted to the server's request limit (its own module: the widget needs it,
 * and nothing else of the protocol).
 */
import type { FulfillmentRequest } from './protocol';

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
