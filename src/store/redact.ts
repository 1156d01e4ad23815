/**
 * Redaction of what is kept on the device (never of what is shown): payment card numbers, IBANs,
 * e-mail addresses and phone numbers become placeholders (defaults.redaction.placeholders), and
 * slots the bot marks as personal become `[redacted]` whatever they hold. Pure functions over plain
 * data; nothing here throws, and the time taken is linear in the text.
 *
 * API, for the store and the conversation:
 *   redact(text, { locale })                 -> the text with every finding replaced whole
 *   redactValue(value, { locale })           -> a slot value: strings as text; a number that is a card
 *                                               or phone number becomes its placeholder (a string);
 *                                               other numbers and booleans are returned as they are
 *   redactSlots(slots, { piiSlots, locale }) -> a new record: `piiSlots` (names) hold '[redacted]',
 *                                               every other value goes through redactValue
 * `locale` is the visitor's (BCP 47, e.g. "en-GB"); its region (likely one for "en": US) decides
 * which ungrouped national numbers are phone numbers ("02079460958" in GB). Without it, grouped and
 * international numbers are still found. The input is never changed.
 *
 * How text is read: matching runs on a folded view of the text — markdown backslash escapes undone
 * (`jane\.doe@example\.com`), NFKC (full-width `＠`, `．` and digits), every decimal digit as 0-9,
 * ideographic full stops as ".", dashes as "-", invisible format characters (zero-width spaces, soft
 * hyphens) and combining marks on anything but a letter dropped — and each finding is mapped back to
 * the original characters, so everything else is kept exactly as it was, escapes included. Redacting
 * twice gives what redacting once gave. In order, each on what the earlier ones left:
 *   e-mail  anything@domain.tld (a dot and at least two letters after the "@")
 *   IBAN    two letters and two digits at a word's start, then letters and digits (single spaces
 *           allowed) to a word's end, 15-34 in all, at least as many digits as letters after the
 *           check digits (words are not account numbers), and mod-97 equal to 1: any country
 *   card    13-19 digits, grouped with spaces, dashes or dots or not at all, that pass Luhn
 *   phone   digits grouped with spaces, dashes, dots, brackets ("(555) 123-4567", replaced with its
 *           brackets) or "/" after a trunk 0, 7-15 digits; international ("+44...", "0044...");
 *           or ungrouped and valid in the visitor's region by libphonenumber-js. Never a date
 *           (2026-11-25, 25.11.2026, 11/25/2026), a time (10.30), an amount (next to a currency,
 *           or 12 345 678.90), a reference glued to letters or "#" (A12345, A-1234567, #12345678)
 *           or part of a longer number (1,299.00).
 *
 * Weight: libphonenumber-js with its "min" metadata is most of this module (29 KB gzipped of 32,
 * against 0.3 KB for the patterns alone): import it only where redaction is on, e.g.
 * `options.redact ? (await import('./redact')).redact : undefined`.
 */
import { isSupportedCountry, isValidPhoneNumber, type CountryCode } from 'libphonenumber-js/min';
import { defaults } from '../defaults';
import type { SlotValue } from '../dialogue/types';

export interface RedactOptions {
  /** The visitor's locale (BCP 47); its region reads ungrouped national phone numbers. */
  locale?: string;
}

export interface SlotRedactOptions extends RedactOptions {
  /** Slots the bot marks as personal: their values are replaced whatever they hold. */
  piiSlots?: readonly string[];
}

type Kind = 'email' | 'iban' | 'card' | 'phone';

/** A finding in the folded view: [start, end) in its code units. */
interface Span {
  start: number;
  end: number;
  kind: Kind;
}

const { placeholders, minPhoneDigits } = defaults.redaction;
const PLACEHOLDER: Record<Kind, string> = placeholders;
/** E.164: at most 15 digits. */
const MAX_PHONE_DIGITS = 15;

export function redact(text: string, options: RedactOptions = {}): string {
  return redactText(text, regionOf(options.locale));
}

export function redactValue(value: SlotValue, options: RedactOptions = {}): SlotValue {
  return redactScalar(value, regionOf(options.locale));
}

export function redactSlots(slots: Readonly<Record<string, SlotValue>>, options: SlotRedactOptions = {}): Record<string, SlotValue> {
  const region = regionOf(options.locale);
  const personal = new Set(options.piiSlots ?? []);
  // fromEntries defines own properties, so a slot named "__proto__" stays a slot.
  return Object.fromEntries(Object.entries(slots).map(([name, value]) => [name, personal.has(name) ? placeholders.personal : redactScalar(value, region)]));
}

function regionOf(locale: string | undefined): CountryCode | undefined {
  if (!locale) return undefined;
  try {
    const region = new Intl.Locale(locale).maximize().region;
    return region && isSupportedCountry(region) ? region : undefined;
  } catch {
    return undefined;
  }
}

function redactScalar(value: SlotValue, region: CountryCode | undefined): SlotValue {
  if (typeof value === 'string') return redactText(value, region);
  if (typeof value !== 'number' || !Number.isInteger(value)) return value;
  // A number field drops the "+" and the formatting: what is left are the digits.
  const digits = String(Math.abs(value));
  if (!/^\d+$/.test(digits)) return value;
  if (digits.length >= 13 && digits.length <= 19 && luhn(digits)) return placeholders.card;
  const phoneLength = digits.length >= minPhoneDigits && digits.length <= MAX_PHONE_DIGITS;
  if (phoneLength && (validNational(digits, region) || validInternational(digits))) return placeholders.phone;
  return value;
}

// ---- the folded view ----------------------------------------------------------------------------

interface View {
  text: string;
  /** For each code unit of `text`, the original characters it came from: [from[i], to[i]). */
  from: number[];
  to: number[];
}

const MARK = /\p{M}/u;
const LETTER = /\p{L}/u;
const FORMAT = /\p{Cf}/u;
const DASH = /[\p{Pd}\u2212]/u;
const DECIMAL_DIGIT = /\p{Nd}/u;
const ASCII_PUNCTUATION = /^[!-/:-@[-`{-~]/;
/** What no detector can start from: ASCII without digits or "@". */
const NOTHING_TO_FIND = /^[\0-/:-?A-\x7f]*$/;

function fold(text: string): View {
  let folded = '';
  const from: number[] = [];
  const to: number[] = [];
  let i = 0;
  while (i < text.length) {
    let [shown, end] = cluster(text, i);
    // A backslash escape of markdown punctuation reads as the punctuation; both characters map to it.
    if (shown === '\\' && end < text.length) {
      const [next, nextEnd] = cluster(text, end);
      if (ASCII_PUNCTUATION.test(next)) [shown, end] = [next, nextEnd];
    }
    folded += shown;
    for (let k = 0; k < shown.length; k++) {
      from.push(i);
      to.push(end);
    }
    i = end;
  }
  return { text: folded, from, to };
}

/** One character with the combining marks after it, folded; and where it ends in `text`. */
function cluster(text: string, start: number): [string, number] {
  let end = start + codePointAt(text, start).length;
  while (end < text.length && text.charCodeAt(end) >= 0x300) {
    const next = codePointAt(text, end);
    if (!MARK.test(next)) break;
    end += next.length;
  }
  const raw = text.slice(start, end);
  if (end === start + 1 && raw < '\x80') return [raw, end];
  let shown = '';
  let afterLetter = false;
  for (const char of raw.normalize('NFKC')) {
    if (FORMAT.test(char)) continue;
    // A mark changes a letter ("é"); on a digit or a dot it only hides it.
    if (MARK.test(char)) {
      if (afterLetter) shown += char;
      continue;
    }
    afterLetter = LETTER.test(char);
    shown += char === '\u3002' ? '.' : DASH.test(char) ? '-' : asciiDigit(char);
  }
  return [shown, end];
}

/** A decimal digit of any script as 0-9 (Unicode keeps each script's digits 0-9 in a row). */
function asciiDigit(char: string): string {
  if (char <= '\x7f' || !DECIMAL_DIGIT.test(char)) return char;
  const code = char.codePointAt(0)!;
  let zero = code;
  while (zero > code - 9 && DECIMAL_DIGIT.test(String.fromCodePoint(zero - 1))) zero--;
  return String(code - zero);
}

/** The code point at `i` as a string (a lone surrogate alone). */
function codePointAt(text: string, i: number): string {
  const code = text.charCodeAt(i);
  const low = text.charCodeAt(i + 1);
  return code >= 0xd800 && code <= 0xdbff && low >= 0xdc00 && low <= 0xdfff ? text.slice(i, i + 2) : text.charAt(i);
}

/** The code point that ends at `i`. */
function codePointBefore(text: string, i: number): string {
  const code = text.charCodeAt(i - 1);
  const high = text.charCodeAt(i - 2);
  return code >= 0xdc00 && code <= 0xdfff && high >= 0xd800 && high <= 0xdbff ? text.slice(i - 2, i) : text.charAt(i - 1);
}

// ---- redaction ----------------------------------------------------------------------------------

function redactText(text: string, region: CountryCode | undefined): string {
  if (NOTHING_TO_FIND.test(text)) return text;
  const view = fold(text);
  if (!/[\d@]/.test(view.text)) return text;
  const detectors = [findEmails, findIbans, findCards, (searched: string) => findPhones(searched, region)];
  const spans: Span[] = [];
  let searched = view.text;
  // A replacement can make a word start where there was none ("9AA75..." after a card): the detectors
  // run again on what is left until they find nothing new, so a second redaction finds nothing either.
  for (let found = true; found; ) {
    found = false;
    for (const find of detectors) {
      const more = find(searched);
      if (more.length === 0) continue;
      found = true;
      // Not push(...more): a long run of digit groups has tens of thousands of card windows.
      for (const span of more) spans.push(span);
      searched = masked(searched, view, more);
    }
  }
  return replaced(text, view, spans);
}

/**
 * `searched` with the spans blanked out (same length) as their placeholders will blank them: every
 * view character that shares an original character with a span goes too.
 */
function masked(searched: string, view: View, spans: readonly Span[]): string {
  const blank = new Uint8Array(searched.length);
  for (const span of spans) {
    let start = span.start;
    let end = span.end;
    while (start > 0 && view.to[start - 1]! > view.from[span.start]!) start--;
    while (end < searched.length && view.from[end]! < view.to[span.end - 1]!) end++;
    blank.fill(1, start, end);
  }
  let out = '';
  for (let i = 0; i < searched.length; ) {
    let j = i;
    while (j < searched.length && blank[j] === blank[i]) j++;
    out += blank[i] ? '\n'.repeat(j - i) : searched.slice(i, j);
    i = j;
  }
  return out;
}

const PRIORITY: readonly Kind[] = ['email', 'iban', 'card', 'phone'];

/** The original text with each span's original characters replaced by one placeholder. */
function replaced(text: string, view: View, spans: readonly Span[]): string {
  if (spans.length === 0) return text;
  const ranges = spans
    .map(({ start, end, kind }) => ({ start: view.from[start]!, end: view.to[end - 1]!, kind }))
    .sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (let i = 0; i < ranges.length; ) {
    const { start } = ranges[i]!;
    let { end, kind } = ranges[i]!;
    // Overlapping findings (card windows; a character folded into several) become one placeholder.
    for (i++; i < ranges.length && ranges[i]!.start < end; i++) {
      end = Math.max(end, ranges[i]!.end);
      if (PRIORITY.indexOf(ranges[i]!.kind) < PRIORITY.indexOf(kind)) kind = ranges[i]!.kind;
    }
    out += text.slice(at, start) + PLACEHOLDER[kind];
    at = end;
  }
  return out + text.slice(at);
}

// ---- e-mail addresses ---------------------------------------------------------------------------

const LOCAL_PART = /[\p{L}\p{N}\p{M}._%+-]/u;
const DOMAIN = /[\p{L}\p{N}\p{M}.-]/u;

/** Linear: from each "@", back over the local part and on over the domain, by hand (no backtracking). */
function findEmails(text: string): Span[] {
  const spans: Span[] = [];
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    let start = at;
    for (let char = codePointBefore(text, start); start > 0 && LOCAL_PART.test(char); char = codePointBefore(text, start)) start -= char.length;
    if (start === at) continue;
    // The address ends after the last label of two letters or more that follows a dot.
    let end = -1;
    let letters = -1;
    for (let i = at + 1; i < text.length; ) {
      const char = codePointAt(text, i);
      if (!DOMAIN.test(char)) break;
      i += char.length;
      if (char === '.') letters = 0;
      else if (letters >= 0 && LETTER.test(char)) {
        if (++letters >= 2) end = i;
      } else letters = -1;
    }
    if (end > 0) spans.push({ start, end, kind: 'email' });
  }
  return spans;
}

// ---- IBANs --------------------------------------------------------------------------------------

const IBAN_START = /(?<![\p{L}\p{N}])[A-Za-z]{2}\d{2}/gu;
const ALNUM = /^[A-Za-z0-9]$/;
const WORD = /[\p{L}\p{N}]/u;

function findIbans(text: string): Span[] {
  const spans: Span[] = [];
  const alnum = (i: number) => ALNUM.test(text.charAt(i));
  for (const { index: start } of text.matchAll(IBAN_START)) {
    let compact = '';
    let end = -1;
    for (let i = start; i < text.length && compact.length < 34; ) {
      if (text[i] === ' ' && alnum(i - 1) && alnum(i + 1)) {
        i++;
        continue;
      }
      if (!alnum(i)) break;
      compact += text[i]!.toUpperCase();
      i++;
      // The longest candidate that ends where a word ends.
      if (i < text.length && WORD.test(codePointAt(text, i))) continue;
      if (compact.length >= 15 && mostlyDigits(compact.slice(4)) && mod97(compact) === 1) end = i;
    }
    if (end > 0) spans.push({ start, end, kind: 'iban' });
  }
  return spans;
}

function mostlyDigits(bban: string): boolean {
  let digits = 0;
  for (const char of bban) digits += char >= '0' && char <= '9' ? 1 : -1;
  return digits >= 0;
}

/** ISO 13616: the first four characters moved to the end, letters as 10-35, the number mod 97. */
function mod97(iban: string): number {
  let remainder = 0;
  for (const char of iban.slice(4) + iban.slice(0, 4)) {
    const value = char <= '9' ? char.charCodeAt(0) - 48 : char.charCodeAt(0) - 55;
    remainder = (remainder * (value > 9 ? 100 : 10) + value) % 97;
  }
  return remainder;
}

// ---- card numbers -------------------------------------------------------------------------------

/** Digit groups joined by a space or two, or a dash or dot with spaces around it ("4111 - 1111"). */
const DIGIT_CHAIN = /\d+(?:(?: {0,2}[-.] {0,2}| {1,2})\d+)*/g;
const DIGITS = /\d+/g;

function findCards(text: string): Span[] {
  const spans: Span[] = [];
  for (const chain of text.matchAll(DIGIT_CHAIN)) {
    const groups = [...chain[0].matchAll(DIGITS)].map((group) => ({ start: chain.index + group.index, digits: group[0] }));
    // Every Luhn-valid window of whole groups: a card among other numbers is found whatever it sits next to.
    for (let i = 0; i < groups.length; i++) {
      let digits = '';
      for (let j = i; j < groups.length; j++) {
        digits += groups[j]!.digits;
        if (digits.length > 19) break;
        if (digits.length >= 13 && luhn(digits)) spans.push({ start: groups[i]!.start, end: groups[j]!.start + groups[j]!.digits.length, kind: 'card' });
      }
    }
  }
  return spans;
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

// ---- phone numbers ------------------------------------------------------------------------------

/**
 * Digit groups as phone numbers are written: an optional "+", brackets around a group ("(555)",
 * "(0)"), joined by a space or two, a dash or a dot (spaces around allowed), or a "/".
 */
const PHONE_CHAIN = /\+?(?:\(\d{1,5}\) ?)?\d+(?:(?: ?[-.] ?| {1,2}| ?\(\d{1,5}\) ?|\/)\d+)*/g;
/** Glued on the left to a reference ("A12345", "#12", "A-1234567") or a longer number ("1,299"). */
const GLUED_BEFORE = /(?:[\p{L}\p{N}#_]|[\p{L}\p{N}][-/]|\p{N}[.,])$/u;
/** Glued on the right to letters or digits, or to a longer number ("555 0123.45", "1 299,00"). */
const GLUED_AFTER = /^(?:[\p{L}\p{N}]|[.,\-/]\p{N})/u;
const CURRENCY_BEFORE = /(?:\p{Sc}|\b(?:EUR|USD|GBP|CHF|JPY|CAD|AUD|SEK|NOK|DKK|PLN|INR|CNY|BRL|MXN)) ?$/u;
const CURRENCY_AFTER = /^ ?(?:\p{Sc}|(?:EUR|USD|GBP|CHF|JPY|CAD|AUD|SEK|NOK|DKK|PLN|INR|CNY|BRL|MXN)\b)/u;
/** 12 345 678.90: thousands and decimals. */
const AMOUNT = /^\d{1,3}(?: \d{3})+\.\d{1,2}$/;

/** One digit group of a chain, with the separator before it. */
interface Group {
  digits: string;
  /** Where its digits are, in the view. */
  start: number;
  end: number;
  /** What joins it to the group before ('' for the first). */
  before: string;
}

function findPhones(text: string, region: CountryCode | undefined): Span[] {
  const spans: Span[] = [];
  for (const chain of text.matchAll(PHONE_CHAIN)) {
    const start = chain.index;
    const end = start + chain[0].length;
    if (GLUED_BEFORE.test(text.slice(Math.max(0, start - 2), start)) || GLUED_AFTER.test(text.slice(end, end + 2))) continue;
    if (CURRENCY_BEFORE.test(text.slice(Math.max(0, start - 4), start)) || CURRENCY_AFTER.test(text.slice(end, end + 4))) continue;
    const groups = groupsOf(chain[0], start);
    for (const segment of segments(groups)) {
      const first = segment[0]!;
      const last = segment[segment.length - 1]!;
      // The "+" and an opening bracket belong to the number; so does a closing bracket.
      const from = first === groups[0] ? start : first.before.endsWith('(') ? first.start - 1 : first.start;
      const to = last === groups[groups.length - 1] ? end : last.end;
      if (isPhone(text.slice(from, to), segment, first === groups[0] && chain[0].startsWith('+'), region)) spans.push({ start: from, end: to, kind: 'phone' });
    }
  }
  return spans;
}

function groupsOf(chain: string, offset: number): Group[] {
  const groups: Group[] = [];
  let previousEnd = -1;
  for (const group of chain.matchAll(DIGITS)) {
    groups.push({ digits: group[0], start: offset + group.index, end: offset + group.index + group[0].length, before: previousEnd < 0 ? '' : chain.slice(previousEnd, group.index) });
    previousEnd = group.index + group[0].length;
  }
  return groups;
}

/**
 * The chain cut around dates and times (which are kept), and at a "/" that does not follow a trunk
 * 0 ("030/1234567" is a phone number, "12/28" is not): what is left may hold phone numbers.
 */
function segments(groups: readonly Group[]): Group[][] {
  const out: Group[][] = [];
  let current: Group[] = [];
  const cut = () => {
    if (current.length > 0) out.push(current);
    current = [];
  };
  for (let i = 0; i < groups.length; ) {
    const taken = dateOrTimeAt(groups, i);
    if (taken > 0) {
      cut();
      i += taken;
      continue;
    }
    const group = groups[i]!;
    if (group.before === '/' && !(current.length === 1 && current[0]!.digits.startsWith('0'))) cut();
    current.push(group);
    i++;
  }
  cut();
  return out;
}

/** How many groups from `i` make a date or a time standing on its own; 0 if none. */
function dateOrTimeAt(groups: readonly Group[], i: number): number {
  const [a, b, c] = [groups[i], groups[i + 1], groups[i + 2]];
  if (!a || !b) return 0;
  const separator = b.before;
  // Its separator must not go on around it: in "06.12.34.56.78" no three groups are a date.
  const standsAlone = (n: number) => a.before !== separator && groups[i + n]?.before !== separator;
  if (c && c.before === separator && /^[-./]$/.test(separator) && standsAlone(3) && isDate(a.digits, b.digits, c.digits)) return 3;
  if (separator === '.' && standsAlone(2) && a.digits.length <= 2 && b.digits.length === 2 && Number(a.digits) <= 24 && Number(b.digits) <= 59) return 2;
  return 0;
}

function isDate(a: string, b: string, c: string): boolean {
  const day = (d: string) => d.length <= 2 && Number(d) >= 1 && Number(d) <= 31;
  const month = (m: string) => m.length <= 2 && Number(m) >= 1 && Number(m) <= 12;
  if (a.length === 4) return month(b) && day(c);
  return (c.length === 2 || c.length === 4) && ((day(a) && month(b)) || (month(a) && day(b)));
}

/** A compact YYYYMMDD: a date, whatever the region's numbering plan allows. */
const COMPACT_DATE = /^(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$/;

function isPhone(written: string, segment: readonly Group[], plus: boolean, region: CountryCode | undefined): boolean {
  const digits = segment.map((group) => group.digits).join('');
  if (digits.length < minPhoneDigits || digits.length > MAX_PHONE_DIGITS) return false;
  if (segment.length > 1) {
    // "1 2 3 4 5 6 7" is a list; a phone number has at most a country code and a trunk digit alone.
    return segment.filter((group) => group.digits.length === 1).length <= 2 && !AMOUNT.test(written);
  }
  if (plus) return digits.length >= 8;
  if (digits.startsWith('00')) return validInternational(digits.slice(2));
  return !COMPACT_DATE.test(digits) && validNational(digits, region);
}

function validNational(digits: string, region: CountryCode | undefined): boolean {
  return region !== undefined && isValidPhoneNumber(digits, region);
}

function validInternational(digits: string): boolean {
  return isValidPhoneNumber(`+${digits}`);
}
