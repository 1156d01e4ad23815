/**
 * Money: a number with a currency before or after it ("$25", "€ 10,50", "25 dollars", "10 EUR",
 * "USD 1,299.00", "twenty bucks"). The value is the amount and an ISO 4217 code; "$" and "dollars"
 * mean the visitor's local dollar (CAD in Canada), USD elsewhere.
 */
import { extractorDefaults } from './defaults';
import { localeInfo, type LocaleInfo } from './locale';
import { NUMBER_WORDS_SOURCE, numeralSource, readNumberWords, readNumeral } from './numbers';
import { escapeRegExp, searchableText } from './text';
import type { ExtractedEntity, Extractor } from './types';

/** Stands for the visitor's local dollar or yen. */
const DOLLAR = 'dollar';
const YEN = 'yen';

const SYMBOLS = new Map(Object.entries({
  US$: 'USD',
  CA$: 'CAD',
  C$: 'CAD',
  AU$: 'AUD',
  A$: 'AUD',
  NZ$: 'NZD',
  HK$: 'HKD',
  S$: 'SGD',
  R$: 'BRL',
  $: DOLLAR,
  '€': 'EUR',
  '£': 'GBP',
  '¥': YEN,
  '₹': 'INR',
  '₩': 'KRW',
  '₽': 'RUB',
  '₺': 'TRY',
  '₪': 'ILS',
  '₫': 'VND',
  '₱': 'PHP',
  '₦': 'NGN',
  '₴': 'UAH',
  '฿': 'THB',
  'zł': 'PLN',
}));

/** Words after a number, in any case, singular or plural. */
const WORDS = new Map(Object.entries({
  dollar: DOLLAR,
  buck: DOLLAR,
  euro: 'EUR',
  pound: 'GBP',
  quid: 'GBP',
  yen: YEN,
  rupee: 'INR',
  franc: 'CHF',
}));

/**
 * ISO 4217 codes recognised next to a number: the currencies people commonly pay in, not all 180,
 * as many codes are also words ("ALL", "TOP", "MAD", "CUP") and shouted messages are in capitals.
 */
const CODES = new Set(
  ('USD EUR GBP JPY CNY CHF CAD AUD NZD SEK NOK DKK PLN CZK HUF RON INR BRL MXN ZAR SGD HKD KRW TRY RUB UAH ILS AED SAR ' +
    'THB PHP IDR MYR VND NGN').split(' '),
);
/** These codes count in lower case too ("10 eur"); the others only in capitals. */
const LOWER_CASE_CODES = new Set(['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'CHF', 'JPY', 'INR']);

const DOLLAR_BY_REGION = new Map(Object.entries({ CA: 'CAD', AU: 'AUD', NZ: 'NZD', SG: 'SGD', HK: 'HKD' }));
const YEN_BY_REGION = new Map(Object.entries({ CN: 'CNY' }));

export function createAmountExtractor(): Extractor {
  const symbol = [...SYMBOLS.keys()]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|');
  const word = [...WORDS.keys()]
    .map((name) => (name === 'yen' || name === 'quid' ? name : `${name}s?`))
    .join('|');
  const amount = (spaceGroups: boolean) =>
    new RegExp(
      String.raw`(?<![\p{L}\p{N}])(?:(?<before>${symbol}|[a-z]{3})[ \u00A0]?)?` +
        String.raw`(?:(?<digits>${numeralSource(spaceGroups)})|(?<words>${NUMBER_WORDS_SOURCE}))` +
        String.raw`(?:[ \u00A0]?(?<after>${symbol}|${word}|[a-z]{3})(?![\p{L}\p{N}]))?`,
      'giud',
    );
  const patterns = { spaced: amount(true), unspaced: amount(false) };

  /** The ISO code a currency marker stands for, or undefined when it is not one. */
  const currencyOf = (marker: string, locale: LocaleInfo): string | undefined => {
    const lower = marker.toLowerCase();
    const known = SYMBOLS.get(marker) ?? WORDS.get(lower) ?? WORDS.get(lower.replace(/s$/, ''));
    const upper = marker.toUpperCase();
    const code = CODES.has(upper) && (marker === upper || LOWER_CASE_CODES.has(upper)) ? upper : undefined;
    const currency = known ?? code;
    if (currency === DOLLAR) return DOLLAR_BY_REGION.get(locale.region ?? '') ?? 'USD';
    if (currency === YEN) return YEN_BY_REGION.get(locale.region ?? '') ?? 'JPY';
    return currency;
  };

  return {
    name: 'amounts',
    extract(text, context) {
      const locale = localeInfo(context.locale);
      const pattern = /^\s$/u.test(locale.group) ? patterns.spaced : patterns.unspaced;
      const found: ExtractedEntity[] = [];
      for (const match of searchableText(text).matchAll(pattern)) {
        const groups = match.indices?.groups;
        const number = groups?.digits ?? groups?.words;
        if (!groups || !number) continue;
        const [before, after] = [groups.before, groups.after].map((span) =>
          span ? { span, currency: currencyOf(text.slice(span[0], span[1]), locale) } : undefined,
        );
        const currency = before?.currency ?? after?.currency;
        const value = groups.digits ? readNumeral(text.slice(number[0], number[1]), locale) : readWords(text.slice(number[0], number[1]));
        if (currency === undefined || value === undefined) continue;
        const start = before?.currency ? before.span[0] : number[0];
        const end = after?.currency ? after.span[1] : number[1];
        found.push({
          entity: 'amount',
          value: { amount: value, currency },
          text: text.slice(start, end),
          start,
          end,
          confidence: extractorDefaults.confidence.amount,
          extractor: 'amounts',
        });
        if (found.length >= extractorDefaults.maxEntitiesPerExtractor) break;
      }
      return found;
    },
  };
}

/** The value of number words that make exactly one number ("twenty five", not "one two"). */
function readWords(run: string): number | undefined {
  const numbers = readNumberWords(run);
  return numbers.length === 1 && numbers[0]!.start === 0 && numbers[0]!.end === run.length ? numbers[0]!.value : undefined;
}
