/**
 * Numbers: digits with the locale's separators ("1,299.50", "1.299,50", "1 299"), and English number
 * words up to the billions ("two", "twenty-five", "a hundred and five"). Also the reading of numbers
 * that amounts.ts builds on.
 */
import { extractorDefaults } from './defaults';
import { localeInfo, type LocaleInfo } from './locale';
import { searchableText } from './text';
import type { ExtractedEntity, Extractor } from './types';

// Digits joined to other digits by ".", ",", ":", "/", "'" or "-" are part of something else (a
// time, a date, a version, an order number), so a numeral neither starts nor ends next to such a pair.
const NOT_AFTER = String.raw`(?<!\p{N}[.,:/'’\-])`;
const NOT_BEFORE = String.raw`(?!\p{N}|[.,:/'’\-]\p{N})`;

/**
 * A numeral: groups of three digits with one consistent separator and an optional decimal part
 * ("1,234.5", "1.234,5", "1'234"), or plain digits with an optional decimal part ("49.99", "10,50").
 * A plain space groups digits only where the locale groups with a space (fr "1 234").
 */
export function numeralSource(spaceGroups: boolean): string {
  const separator = spaceGroups ? String.raw`[,.'’\u00A0\u202F ]` : String.raw`[,.'’\u00A0\u202F]`;
  const grouped = String.raw`\d{1,3}(?<sep>${separator})\d{3}(?:\k<sep>\d{3})*(?:(?!\k<sep>)[.,]\d+)?`;
  return `${NOT_AFTER}(?:${grouped}|\\d+(?:[.,]\\d+)?)${NOT_BEFORE}`;
}

/**
 * The value of a numeral matched by numeralSource. A lone separator followed by exactly three
 * digits ("1,234", "1.234") is the one case the locale decides: grouping in en, decimal in fr/de.
 */
export function readNumeral(raw: string, locale: LocaleInfo): number | undefined {
  const digits = raw.replace(/\D/g, '');
  if (digits.length > extractorDefaults.numbers.maxDigits) return undefined;
  const separators = raw.match(/\D/g) ?? [];
  const last = separators[separators.length - 1];
  if (last === undefined) return Number(raw);
  const at = raw.lastIndexOf(last);
  const integer = raw.slice(0, at);
  let decimal: boolean;
  if (last !== '.' && last !== ',') decimal = false;
  else if (new Set(separators).size === 2) decimal = true; // "1.234,56"
  else if (separators.length > 1) decimal = false; // "1,234,567"
  else if (raw.length - at - 1 !== 3 || integer.length > 3 || integer === '0') decimal = true; // "49.99", "0,125"
  else decimal = last === locale.decimal;
  return decimal ? Number(`${integer.replace(/\D/g, '')}.${raw.slice(at + 1)}`) : Number(digits);
}

const UNITS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9 };
const TEENS: Record<string, number> = {
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};
const TENS: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };
const SCALES: Record<string, number> = { thousand: 1e3, million: 1e6, billion: 1e9 };
const WORDS = ['zero', 'hundred', ...Object.keys(UNITS), ...Object.keys(TEENS), ...Object.keys(TENS), ...Object.keys(SCALES)]
  // Longest first, so "seventeen" is not read as "seven".
  .sort((a, b) => b.length - a.length);

/** A run of number words ("twenty-five", "one hundred and five"); use with the "i" and "u" flags. */
export const NUMBER_WORDS_SOURCE = (() => {
  const word = String.raw`(?:${WORDS.join('|')}|a(?=[ \t]+(?:hundred|thousand|million|billion)\b))(?![\p{L}\p{N}])`;
  return String.raw`(?<![\p{L}\p{N}]|\p{L}-)${word}(?:(?:[ \t]+and[ \t]+|[ \t]+|[ \t]*-[ \t]*)${word})*(?!-\p{L})`;
})();

export interface WordNumber {
  value: number;
  /** Offsets into the run. */
  start: number;
  end: number;
}

type Kind = 'zero' | 'unit' | 'teen' | 'tens' | 'hundred' | 'scale' | 'a';

/**
 * The numbers in a run of number words: usually one, but "one two three" is three. A word that
 * cannot continue the number so far ("five five") starts the next one.
 */
export function readNumberWords(run: string): WordNumber[] {
  const numbers: WordNumber[] = [];
  let current: { total: number; group: number; last: Kind; scale: number; start: number; end: number } | undefined;
  let afterAnd = false;
  const finish = () => {
    if (current && current.last !== 'a') numbers.push({ value: current.total + current.group, start: current.start, end: current.end });
    current = undefined;
  };
  for (const match of run.matchAll(/\p{L}+/gu)) {
    const word = match[0].toLowerCase();
    const start = match.index;
    const end = start + match[0].length;
    if (word === 'and') {
      afterAnd = true;
      continue;
    }
    const kind = kindOf(word);
    // The "i" flag also matches look-alikes ("ſix" with a long s): not a number word.
    if (kind === undefined) {
      finish();
      continue;
    }
    // "and" joins only "hundred and five" or "thousand and two"; "one and two" are two numbers.
    const andSeparates = afterAnd && current?.last !== 'hundred' && current?.last !== 'scale';
    if (current && (andSeparates || !follows(current.last, kind, current.group, current.scale, word))) finish();
    afterAnd = false;
    if (!current) {
      if (kind === 'hundred' || kind === 'scale') continue; // "hundred" alone is not a number
      current = { total: 0, group: 0, last: kind, scale: Number.POSITIVE_INFINITY, start, end };
      current.group = kind === 'a' ? 1 : valueOf(word);
      if (kind === 'zero') finish();
      continue;
    }
    if (kind === 'hundred') current.group *= 100;
    else if (kind === 'scale') {
      current.total += current.group * SCALES[word]!;
      current.group = 0;
      current.scale = SCALES[word]!;
    } else current.group += valueOf(word);
    current.last = kind;
    current.end = end;
  }
  finish();
  return numbers;
}

function kindOf(word: string): Kind | undefined {
  if (word === 'zero') return 'zero';
  if (word === 'a') return 'a';
  if (word === 'hundred') return 'hundred';
  if (Object.hasOwn(SCALES, word)) return 'scale';
  if (Object.hasOwn(TENS, word)) return 'tens';
  if (Object.hasOwn(TEENS, word)) return 'teen';
  if (Object.hasOwn(UNITS, word)) return 'unit';
  return undefined;
}

function valueOf(word: string): number {
  return UNITS[word] ?? TEENS[word] ?? TENS[word] ?? 0;
}

/** Whether `next` can continue a number whose last word was of kind `last`. */
function follows(last: Kind, next: Kind, group: number, scale: number, word: string): boolean {
  switch (next) {
    case 'unit':
      return last === 'tens' || last === 'hundred' || last === 'scale';
    case 'teen':
    case 'tens':
      return last === 'hundred' || last === 'scale';
    case 'hundred':
      // "five hundred", "fifteen hundred", "a hundred"; not "two hundred hundred".
      return (last === 'unit' || last === 'teen' || last === 'tens' || last === 'a') && group < 100;
    case 'scale':
      return last !== 'zero' && last !== 'scale' && SCALES[word]! < scale;
    default:
      return false;
  }
}

export function createNumberExtractor(): Extractor {
  const digits = {
    spaced: new RegExp(String.raw`(?<![\p{L}\p{N}_])${numeralSource(true)}(?![\p{L}_])`, 'gu'),
    unspaced: new RegExp(String.raw`(?<![\p{L}\p{N}_])${numeralSource(false)}(?![\p{L}_])`, 'gu'),
  };
  const words = new RegExp(NUMBER_WORDS_SOURCE, 'giu');
  const pronounOneAfter = new Set<string>(extractorDefaults.numbers.pronounOneAfter);
  return {
    name: 'numbers',
    extract(text, context) {
      const locale = localeInfo(context.locale);
      const searched = searchableText(text);
      const found: ExtractedEntity[] = [];
      const add = (start: number, end: number, value: number, confidence: number) =>
        found.push({ entity: 'number', value, text: text.slice(start, end), start, end, confidence, extractor: 'numbers' });

      const numerals = /^\s$/u.test(locale.group) ? digits.spaced : digits.unspaced;
      for (const match of searched.matchAll(numerals)) {
        const value = readNumeral(match[0], locale);
        if (value !== undefined) add(match.index, match.index + match[0].length, value, extractorDefaults.confidence.numberDigits);
      }
      for (const match of searched.matchAll(words)) {
        for (const number of readNumberWords(match[0])) {
          const start = match.index + number.start;
          const end = match.index + number.end;
          const lone = text.slice(start, end).toLowerCase() === 'one';
          if (lone && pronounOneAfter.has(wordBefore(searched, start))) continue;
          add(start, end, number.value, extractorDefaults.confidence.numberWords);
        }
      }
      return found.slice(0, extractorDefaults.maxEntitiesPerExtractor);
    },
  };
}

/** The word just before `index` (lower case), or "" when there is none. */
function wordBefore(text: string, index: number): string {
  const from = Math.max(0, index - 32);
  const match = /(\p{L}+)\s+$/u.exec(text.slice(from, index));
  if (!match || (match.index === 0 && from > 0 && /\p{L}/u.test(text[from - 1]!))) return '';
  return match[1]!.toLowerCase();
}
