import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redact, redactSlots, redactValue } from './redact';

const US = { locale: 'en-US' };

describe('redact: what bots echo in markdown, with backslash escapes', () => {
  it('finds an e-mail address whose dots and underscores are escaped', () => {
    expect(redact('Thanks, I will write to jane\\.doe@example\\.com')).toBe('Thanks, I will write to [email]');
    expect(redact('Sent to jane\\_doe@example\\.co\\.uk\\.', US)).toBe('Sent to [email]\\.');
  });

  it('finds escaped phone and card numbers and replaces their escapes with them', () => {
    expect(redact('We will call 555\\-0123 or \\+44 20 7946 0958', US)).toBe('We will call [phone] or [phone]');
    expect(redact('Card 4111\\-1111\\-1111\\-1111 saved')).toBe('Card [card number] saved');
  });

  it('keeps the rest of the text as it was, escapes and all', () => {
    expect(redact('Order A\\-12 is \\*late\\*: mail jane\\.doe@example\\.com \\(or not\\)', US)).toBe(
      'Order A\\-12 is \\*late\\*: mail [email] \\(or not\\)',
    );
  });
});

describe('redact: formats people write', () => {
  it('card numbers grouped with dots or spaced dashes', () => {
    expect(redact('4111.1111.1111.1111')).toBe('[card number]');
    expect(redact('card: 4111 - 1111 - 1111 - 1111, exp 12/28')).toBe('card: [card number], exp 12/28');
    expect(redact('amex 3782 822463 10005 thanks')).toBe('amex [card number] thanks');
  });

  it('IBANs of any country, compact or in groups, checked with mod-97', () => {
    expect(redact('my IBAN is DE89 3704 0044 0532 0130 00 thanks')).toBe('my IBAN is [iban] thanks');
    expect(redact('GB82WEST12345698765432')).toBe('[iban]');
    expect(redact('pay to fr14 2004 1010 0505 0001 3m02 606.')).toBe('pay to [iban].');
    expect(redact('NO9386011117947, BE68539007547034')).toBe('[iban], [iban]');
    // One digit off: mod-97 fails, and it is no card or phone number either.
    expect(redact('GB82WEST12345698765433')).toBe('GB82WEST12345698765433');
  });

  it('short local phone numbers, whatever the locale', () => {
    for (const locale of ['en-US', 'fr-FR', 'en-GB', 'de-DE']) {
      expect(redact('call 555 0123 tonight', { locale })).toBe('call [phone] tonight');
      expect(redact('mon portable : 06 12 34 56 78', { locale })).toBe('mon portable : [phone]');
      expect(redact('office 020 7946 0958.', { locale })).toBe('office [phone].');
      expect(redact('Büro 030/1234567', { locale })).toBe('Büro [phone]');
    }
  });

  it('ungrouped national numbers when they are valid in the visitor’s region', () => {
    expect(redact('ring 2125550199', US)).toBe('ring [phone]');
    expect(redact('ring 02079460958', { locale: 'en-GB' })).toBe('ring [phone]');
    expect(redact('ring +442079460958 or 00442079460958')).toBe('ring [phone] or [phone]');
    // Valid in the US, not in France; an ungrouped run is only a phone number where it is valid.
    expect(redact('ref 2125550199', { locale: 'fr-FR' })).toBe('ref 2125550199');
    expect(redact('order 12345678', US)).toBe('order 12345678');
  });

  it('full-width and other look-alike characters', () => {
    expect(redact('jane＠example．com')).toBe('[email]');
    expect(redact('jane@example。com')).toBe('[email]');
    expect(redact('４１１１ １１１１ １１１１ １１１１')).toBe('[card number]');
    expect(redact('٤١١١١١١١١١١١١١١١')).toBe('[card number]');
    expect(redact('call ５５５–０１２３', US)).toBe('call [phone]');
    expect(redact('4111\u200B1111\u200B1111\u200B1111')).toBe('[card number]');
    expect(redact('ＤＥ８９３７０４００４４０５３２０１３０００')).toBe('[iban]');
  });
});

describe('redact: what is not personal stays', () => {
  it('dates, times, order numbers and amounts are never phone numbers', () => {
    for (const text of [
      'delivered on 2026-11-25 at 10:30',
      'le 25.11.2026 à 10.30',
      'due 11/25/2026',
      'open 10.30 - 11.45 and 2026-11-25 - 2026-11-30',
      'order A12345, ticket #12345678, ref A-1234567',
      'total $1,299.00 (or 1 299 000 € or EUR 1.299.000)',
      '12 345 678.90 in total',
      'version 1.2.3',
    ]) {
      expect(redact(text, US)).toBe(text);
    }
  });

  it('a phone number is replaced whole, with its parentheses', () => {
    expect(redact('call (555) 123-4567 now', US)).toBe('call [phone] now');
    expect(redact('+1 (555) 123-4567', { locale: 'en-GB' })).toBe('[phone]');
    expect(redact('+44 (0)20 7946 0958')).toBe('[phone]');
    expect(redact('Call me (555 0123) today', US)).toBe('Call me ([phone]) today');
  });

  it('a phone number next to a date is found, and the date kept', () => {
    expect(redact('on 2026-11-25 555 0123', US)).toBe('on 2026-11-25 [phone]');
    expect(redact('at 10.30 555 0123', US)).toBe('at 10.30 [phone]');
  });
});

describe('redactValue: one slot value', () => {
  it('redacts strings like messages', () => {
    expect(redactValue('bob@example.com')).toBe('[email]');
    expect(redactValue('plan pro')).toBe('plan pro');
  });

  it('a number that is a card or phone number becomes its placeholder', () => {
    expect(redactValue(4111111111111111)).toBe('[card number]');
    expect(redactValue(2125550199, US)).toBe('[phone]');
    // A country code without its "+" (as a number field keeps it).
    expect(redactValue(442079460958, { locale: 'fr-FR' })).toBe('[phone]');
  });

  it('other numbers and booleans are kept as they are', () => {
    expect(redactValue(3, US)).toBe(3);
    expect(redactValue(1299.5, US)).toBe(1299.5);
    expect(redactValue(12345678, US)).toBe(12345678);
    expect(redactValue(true)).toBe(true);
  });
});

describe('redactSlots: the slots the store keeps', () => {
  it('redacts every value and hides the slots the bot marks as personal, whatever they hold', () => {
    const slots = { email: 'bob@example.com', name: 'Jane Doe', age: 41, vip: true, qty: 2, card: 4111111111111111, plan: 'pro' };
    const before = structuredClone(slots);
    expect(redactSlots(slots, { piiSlots: ['name', 'age', 'vip'], locale: 'en-US' })).toEqual({
      email: '[email]',
      name: '[redacted]',
      age: '[redacted]',
      vip: '[redacted]',
      qty: 2,
      card: '[card number]',
      plan: 'pro',
    });
    expect(slots).toEqual(before);
  });

  it('keeps a slot named like an Object.prototype member as an ordinary slot', () => {
    const slots = JSON.parse('{"__proto__": "bob@example.com", "constructor": "x"}') as Record<string, string>;
    const redacted = redactSlots(slots, { piiSlots: ['constructor'] });
    expect(Object.getPrototypeOf(redacted)).toBe(Object.prototype);
    expect(Object.entries(redacted)).toEqual([['__proto__', '[email]'], ['constructor', '[redacted]']]);
  });
});

// --- properties -------------------------------------------------------------------------------

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

function mod97(compact: string): number {
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = /\d/.test(char) ? char : String(char.charCodeAt(0) - 55);
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder;
}

/** A payment card number: `body` digits and a Luhn check digit, grouped as people write it. */
const aCard = fc
  .tuple(fc.integer({ min: 12, max: 18 }), fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 18, maxLength: 18 }), fc.constantFrom('', ' ', '-', '.', ' - ', '\\-'), fc.integer({ min: 3, max: 6 }))
  .map(([length, pool, separator, group]) => {
    const body = pool.slice(0, length);
    const check = [...'0123456789'].find((d) => luhn(body + d))!;
    const digits = body + check;
    return digits.replace(new RegExp(`(\\d{${group}})(?=\\d)`, 'g'), `$1${separator}`);
  });

/** An IBAN: country, check digits, and a bank code then an account number (letters, then digits). */
const anIban = fc
  .tuple(
    fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), minLength: 2, maxLength: 2 }),
    fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), maxLength: 4 }),
    fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 11, maxLength: 26 }),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([country, bank, account, grouped, lower]) => {
    const bban = bank + account;
    const check = String(98 - mod97(`${country}00${bban}`)).padStart(2, '0');
    let iban = `${country}${check}${bban}`.slice(0, 34);
    if (mod97(iban) !== 1) iban = `${country}${check}${bban}`; // never happens: 2 + 2 + 30 at most
    if (grouped) iban = iban.replace(/(.{4})(?=.)/g, '$1 ');
    return lower ? iban.toLowerCase() : iban;
  });

const anEmail = fc
  .tuple(fc.constantFrom('jane', 'j.doe', 'bob+x', 'é', '42', 'a_b'), fc.constantFrom('@', '＠', '\\@'), fc.constantFrom('example', 'mail.co', 'x-y', 'bücher'), fc.constantFrom('.com', '\\.de', '．org', '.uk'))
  .map((parts) => parts.join(''));

/** Pieces of support chat and of trouble, so random strings often come near what is redacted. */
const fragment = fc.constantFrom(
  ...['555 0123', '06 12 34 56 78', '(555) 123-4567', '+44 20 7946 0958', '2125550199', '2026-11-25', '10:30', '10.30', '$1,299.00', 'A12345', '#123'],
  ...['0', '1', '12', '4111', '00', '+', '(', ')', '-', ' - ', '.', ',', '/', ':', '@', '\\', '\\.', '\\-', ' ', '  ', '\n', '#', '$', '€', 'EUR'],
  ...['a', 'DE', 'gb', 'iban', 'com', 'é', 'e\u0301', '５', '٣', '＠', '．', '。', '–', '\u200B', '\u00AD', '\u0301', '😀', '\uD800', '\uDC00', '⒈', '①', 'ﬁ'],
);
const chatLike = fc.array(fc.oneof(fragment, aCard, anIban, anEmail, fc.string({ maxLength: 4 })), { maxLength: 30 }).map((parts) => parts.join(''));
const anyText = fc.oneof(chatLike, fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ maxLength: 80 }));
const aLocale = fc.constantFrom(undefined, 'en-US', 'en-GB', 'fr-FR', 'de-DE', 'ja-JP', 'en', '', 'not a locale', 'x-private');

/** The text as a reader sees it: compatibility forms folded, invisible characters and accents on digits gone, escapes undone. */
const asRead = (text: string) =>
  text
    .normalize('NFKC')
    .replace(/\p{Cf}|(?<!\p{L}\p{M}*)\p{M}+/gu, '')
    .replace(/\\([!-/:-@[-`{-~])/g, '$1');

/** Each script's decimal digits as 0-9, as Intl writes them. */
const DIGIT_VALUE = new Map(
  Intl.supportedValuesOf('numberingSystem').flatMap((system) =>
    [...'0123456789'].map((digit) => [new Intl.NumberFormat(`en-u-nu-${system}`, { useGrouping: false }).format(Number(digit)), digit] as const),
  ),
);

/** Maximal runs of 13-19 decimal digits (of any script, as a reader reads them) that pass Luhn. */
const cardsIn = (text: string) =>
  [...asRead(text).matchAll(/\p{Nd}+/gu)]
    .map((m) => [...m[0]].map((digit) => DIGIT_VALUE.get(digit) ?? '?').join(''))
    .filter((run) => /^\d{13,19}$/.test(run) && luhn(run));

const EMAIL = /[\p{L}\p{N}._%+-]@[\p{L}\p{N}.-]*\.\p{L}{2}/u;

/**
 * IBANs, by brute force: two letters and two digits at the start of a word, then letters and
 * digits (single spaces allowed) to the end of a word, 15-34 in all, at least as many digits as
 * letters after the check digits, and mod-97 equal to 1.
 */
function ibansIn(text: string): string[] {
  const read = asRead(text).toUpperCase();
  const found: string[] = [];
  const alnum = (i: number) => i >= 0 && i < read.length && /[A-Z0-9]/.test(read[i]!);
  const word = (i: number) => /[\p{L}\p{N}]/u.test(String.fromCodePoint(read.codePointAt(i) ?? 32));
  for (let start = 0; start < read.length; start++) {
    if ((start > 0 && word(start - 1)) || (start > 1 && /[\uDC00-\uDFFF]/.test(read[start - 1]!) && word(start - 2))) continue;
    if (!/^[A-Z]{2}\d{2}/.test(read.slice(start, start + 4))) continue;
    let compact = '';
    for (let i = start; i < read.length && compact.length < 34; i++) {
      if (read[i] === ' ' && alnum(i - 1) && alnum(i + 1)) continue;
      if (!alnum(i)) break;
      compact += read[i];
      if (word(i + 1)) continue;
      const bban = compact.slice(4);
      if (compact.length >= 15 && bban.replace(/\D/g, '').length >= bban.replace(/\d/g, '').length && mod97(compact) === 1) found.push(compact);
    }
  }
  return found;
}

describe('redact: properties', () => {
  it('is idempotent', () => {
    fc.assert(
      fc.property(anyText, aLocale, (text, locale) => {
        const once = redact(text, { locale });
        expect(redact(once, { locale })).toBe(once);
      }),
      { numRuns: 600 },
    );
  });

  it('never leaves a Luhn-valid card number, a valid IBAN or an e-mail address', () => {
    fc.assert(
      fc.property(chatLike, aLocale, (text, locale) => {
        const out = redact(text, { locale });
        expect(cardsIn(out)).toEqual([]);
        expect(ibansIn(out)).toEqual([]);
        expect(EMAIL.exec(asRead(out))).toBeNull();
      }),
      { numRuns: 600 },
    );
  });

  it('finds what it is given among any text', () => {
    fc.assert(
      fc.property(fc.oneof(aCard, anIban, anEmail), fc.constantFrom(' ', '\n', ', ', ' (', ': '), chatLike, (secret, gap, around) => {
        expect(redact(`${around}${gap}${secret}${gap}${around}`, US)).not.toContain(secret);
      }),
      { numRuns: 300 },
    );
  });

  it('never changes text without digits and without @', () => {
    const plain = anyText.filter((text) => !/[\p{N}@]/u.test(text.normalize('NFKC')));
    fc.assert(
      fc.property(plain, aLocale, (text, locale) => {
        expect(redact(text, { locale })).toBe(text);
      }),
      { numRuns: 600 },
    );
  });

  it('never throws, on any string, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: fc.constantFrom('\uD800', '\uDFFF', '1', ' ', '@', '.', '\\'), maxLength: 60 }), aLocale, (a, b, locale) => {
        expect(typeof redact(a + b + a, { locale })).toBe('string');
      }),
      { numRuns: 500 },
    );
  });

  it('redacts hostile text in time linear in its length (100 KB against 25 KB, best of three: never quadratic)', () => {
    const fill = (piece: string, size: number) => piece.repeat(Math.ceil(size / piece.length)).slice(0, size);
    const pieces = ['1', '1 ', '0 ', '12-', '1.', '(1) ', '+1 ', 'a@', 'a.b@', 'DE89 ', '\\', '\\.', '５', '\uD800', 'e\u0301', '2026-11-25 ', '4111 1111 1111 1111 ', '555 0123 ', 'jane@example.com ', '2125550199 '];
    // The best of three runs damps a busy machine; a quadratic scan grows 16-fold, a linear one 4-fold.
    const best = (text: string) => Math.min(...[0, 1, 2].map(() => {
      const started = performance.now();
      redact(text, US);
      return performance.now() - started;
    }));
    const quadratic = pieces.flatMap((piece) => {
      const small = best(fill(piece, 25_000));
      const large = best(fill(piece, 100_000));
      return large > 12 * Math.max(small, 2) ? [`${JSON.stringify(piece)}: ${small.toFixed(1)} ms for 25 KB, ${large.toFixed(1)} ms for 100 KB`] : [];
    });
    expect(quadratic).toEqual([]);
    for (const text of [`@${fill('a', 100_000)}`, `${fill('a', 100_000)}@`, `x@${fill('a.', 100_000)}`, `DE89${fill('1', 100_000)}`]) expect(typeof redact(text, US)).toBe('string');
  }, 300_000);
});
