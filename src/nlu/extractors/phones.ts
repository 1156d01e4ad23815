/**
 * Phone numbers, found and checked by libphonenumber-js with its smallest metadata ("min": the
 * search and its metadata weigh about 36 KB gzipped, against 56 KB with "max"). The value is E.164
 * ("+442079460958"); an extension is kept in the span but not in the value.
 *
 * A chat is full of digits that are not phones (order numbers, dates, amounts), and with "min"
 * metadata many digit strings pass as valid in some country. So a number must either be written
 * internationally ("+44 ...", "0044 ...") or be written like a phone in the visitor's country:
 * grouped with spaces, dashes, dots or brackets, and long enough. A bare "2125551234" or "12345"
 * is left to the number and regex extractors.
 */
import { findPhoneNumbersInText, isSupportedCountry } from 'libphonenumber-js/min';
import { extractorDefaults } from './defaults';
import { localeInfo } from './locale';
import { searchableText } from './text';
import type { ExtractedEntity, Extractor } from './types';

const INTERNATIONAL = /^(?:\+|00)/;
/** Only what phones are written with; the matcher's span sometimes runs on over ", 2024". */
const PHONE_CHARACTERS = /^\+?[\d\s().\-/]+(?:\s*(?:ext\.?|extension|x|#)\s*\d{1,7})?$/iu;
const GROUPED = /\d[\s.\-/()]+\d|^\(/u;
/** 15.03.2024, 2024-03-15, 03/15/24: dates that a permissive country's rules would accept. */
const DATE_LIKE = /^(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}[./-]\d{1,2}[./-]\d{1,2})$/;

export function createPhoneExtractor(): Extractor {
  return {
    name: 'phones',
    extract(text, context) {
      const region = localeInfo(context.locale).region;
      const defaultCountry = region && isSupportedCountry(region) ? region : undefined;
      const found: ExtractedEntity[] = [];
      for (const { number, startsAt, endsAt } of findPhoneNumbersInText(searchableText(text), { defaultCountry })) {
        const raw = text.slice(startsAt, endsAt);
        const international = INTERNATIONAL.test(raw);
        const digits = raw.replace(/\D/g, '').length;
        const national = GROUPED.test(raw) && !DATE_LIKE.test(raw) && digits >= extractorDefaults.phones.minNationalDigits;
        // Glued to a letter, a digit or "#", it is part of a reference ("A12345", "#212-555-0199");
        // joined to digits by ".", "-" or "/", part of a date or a longer code.
        const glued =
          /[\p{L}\p{N}#]$|\p{N}[.\-/]$/u.test(text.slice(Math.max(0, startsAt - 2), startsAt)) ||
          /^(?:[\p{L}\p{N}]|[.\-/]\p{N})/u.test(text.slice(endsAt, endsAt + 2));
        if ((!international && !national) || glued || !PHONE_CHARACTERS.test(raw)) continue;
        found.push({
          entity: 'phone',
          value: number.number,
          text: raw,
          start: startsAt,
          end: endsAt,
          confidence: international ? extractorDefaults.confidence.internationalPhone : extractorDefaults.confidence.nationalPhone,
          extractor: 'phones',
        });
        if (found.length >= extractorDefaults.maxEntitiesPerExtractor) break;
      }
      return found;
    },
  };
}
