/** The shapes every rule extractor shares: what it is given and what it returns. */

/** Money, with the ISO 4217 code of its currency. */
export interface AmountValue {
  amount: number;
  currency: string;
}

/** A span of time ("monday to friday", "3-5pm"): both ends in the same ISO form as a single value. */
export interface RangeValue {
  from: string;
  to: string;
}

/**
 * The canonical value of an entity:
 * - string: a lookup's canonical value, a regex match, an ISO 8601 date ("2025-03-14"), time
 *   ("15:00:00", with an offset when the text named a zone) or date-time with offset
 *   ("2025-03-14T15:00:00+13:00"), an E.164 phone number, a lower-cased email, a normalised URL;
 * - number: a number;
 * - AmountValue: money;
 * - RangeValue: a range of dates, times or date-times.
 */
export type EntityValue = string | number | AmountValue | RangeValue;

export interface ExtractedEntity {
  entity: string;
  value: EntityValue;
  /** Exactly `original.slice(start, end)`. */
  text: string;
  /** End-exclusive UTF-16 offsets into the ORIGINAL text. */
  start: number;
  end: number;
  /** 0..1; rule extractors give fixed confidences (see defaults.ts), the model gives probabilities. */
  confidence: number;
  /** Name of the extractor that found it. */
  extractor: string;
}

/** What an extraction depends on besides the text; injected so results are reproducible. */
export interface ExtractionContext {
  /** The instant relative expressions ("tomorrow", "in 2 hours") are resolved against. */
  now: Date;
  /** IANA time zone of the visitor, e.g. "Pacific/Auckland". */
  timeZone: string;
  /** BCP 47 tag, e.g. "en-GB": picks date order, decimal separator, default phone country, "$". */
  locale: string;
}

export interface Extractor {
  readonly name: string;
  /** Never throws for any text; returns spans in any order (merge sorts them). */
  extract(text: string, context: ExtractionContext): ExtractedEntity[];
}

/** An entity the bot defines with a regular expression (JavaScript syntax). */
export interface RegexEntityDefinition {
  entity: string;
  pattern: string;
  /** Any of "i", "m", "s", "u", "v"; "g" is implied. */
  flags?: string;
}

export interface LookupValueDefinition {
  /** The canonical value; it matches the text too. */
  value: string;
  synonyms?: readonly string[];
}

/** An entity the bot defines as a closed list of values with synonyms. */
export interface LookupDefinition {
  entity: string;
  values: readonly LookupValueDefinition[];
}
