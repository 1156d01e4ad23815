import { describe, expect, it, vi } from 'vitest';
import { createExtractors, extractEntities, extractorDefaults } from './index';
import { aContext, found } from './testing';

const extractors = createExtractors({
  regex: [{ entity: 'order_id', pattern: String.raw`\b[A-Z]\d{5}\b` }],
  lookups: [{ entity: 'plan', values: [{ value: 'pro plan', synonyms: ['pro', 'professional'] }, { value: 'basic plan', synonyms: ['basic'] }] }],
});
const context = aContext();
const extract = (text: string) => found(extractEntities(text, extractors, context));

describe('extracting entities from support messages', () => {
  it('finds the order number, and nothing else in it', () => {
    expect(extract('my order A12345 never arrived')).toEqual([['order_id', 'A12345', 'A12345']]);
  });

  it('finds a phone and a date-time, not the numbers inside the phone', () => {
    expect(extract('call me at +44 20 7946 0958 tomorrow at 3pm')).toEqual([
      ['phone', '+44 20 7946 0958', '+442079460958'],
      ['datetime', 'tomorrow at 3pm', '2025-03-14T15:00:00+13:00'],
    ]);
  });

  it('finds an amount and an email, not the number in the amount nor the domain as a link', () => {
    expect(extract('refund $49.99 to jane.doe@example.com')).toEqual([
      ['amount', '$49.99', { amount: 49.99, currency: 'USD' }],
      ['email', 'jane.doe@example.com', 'jane.doe@example.com'],
    ]);
  });

  it('finds lookups and dates', () => {
    expect(extract('switch me to the pro plan next friday')).toEqual([
      ['plan', 'pro plan', 'pro plan'],
      ['date', 'next friday', '2025-03-21'],
    ]);
  });

  it('lets the bot\'s regex win a span a built-in also claims', () => {
    const withCode = createExtractors({ regex: [{ entity: 'zip', pattern: String.raw`\b\d{5}\b` }] });
    expect(found(extractEntities('zip 90210 please', withCode, context))).toEqual([['zip', '90210', '90210']]);
  });

  it('mixes everything in one message', () => {
    expect(extract('Order B54321: I paid 25 dollars on the basic plan, see https://acme.com/orders or text +1 212 555 0199')).toEqual([
      ['order_id', 'B54321', 'B54321'],
      ['amount', '25 dollars', { amount: 25, currency: 'USD' }],
      ['plan', 'basic plan', 'basic plan'],
      ['url', 'https://acme.com/orders', 'https://acme.com/orders'],
      ['phone', '+1 212 555 0199', '+12125550199'],
    ]);
  });
});

describe('edge cases', () => {
  it('returns nothing for empty or blank text', () => {
    expect(extract('')).toEqual([]);
    expect(extract(' \n\t ')).toEqual([]);
  });

  it('keeps offsets right around emoji (two UTF-16 units each)', () => {
    const text = '😀👍🏽 refund $5 😅 to 👩‍💻 a@b.io';
    const entities = extractEntities(text, extractors, context);
    expect(found(entities)).toEqual([
      ['amount', '$5', { amount: 5, currency: 'USD' }],
      ['email', 'a@b.io', 'a@b.io'],
    ]);
    for (const entity of entities) expect(text.slice(entity.start, entity.end)).toBe(entity.text);
  });

  it('finds entities inside right-to-left text', () => {
    expect(extract('שלום, ההזמנה A12345 עלתה $20 ומספר הטלפון שלי +972 50 123 4567')).toEqual([
      ['order_id', 'A12345', 'A12345'],
      ['amount', '$20', { amount: 20, currency: 'USD' }],
      ['phone', '+972 50 123 4567', '+972501234567'],
    ]);
    expect(extract('مرحبا، طلبي A12345 لم يصل. بريدي ali@example.com')).toEqual([
      ['order_id', 'A12345', 'A12345'],
      ['email', 'ali@example.com', 'ali@example.com'],
    ]);
  });

  it('survives zero-width and bidi control characters, with spans of the original text', () => {
    const text = '\u200Ethe pro\u200D plan\u200F costs \u2066$49\u2069 \uFEFF';
    const entities = extractEntities(text, extractors, context);
    expect(found(entities)).toEqual([
      ['plan', 'pro\u200D plan', 'pro plan'],
      ['amount', '$49', { amount: 49, currency: 'USD' }],
    ]);
  });

  it('handles 10,000 characters by looking at the first part only, never cutting an entity', () => {
    const sentence = 'refund $49.99 to jane.doe@example.com for A12345 on the pro plan next friday. ';
    const text = sentence.repeat(Math.ceil(10_000 / sentence.length)).slice(0, 10_000);
    const entities = extractEntities(text, extractors, context);
    const perSentence = found(extractEntities(sentence, extractors, context));
    const searched = Math.max(...entities.map((entity) => entity.end));
    expect(searched).toBeLessThanOrEqual(extractorDefaults.maxTextLength);
    expect(searched).toBeGreaterThan(extractorDefaults.maxTextLength - sentence.length);
    expect(found(entities).slice(0, perSentence.length * 10)).toEqual(Array.from({ length: 10 }, () => perSentence).flat());
  });

  it('handles a 10,000-character word', () => {
    expect(extract('x'.repeat(10_000))).toEqual([]);
    expect(extract(`${'9'.repeat(9_990)} $5 today`)).toEqual([]);
  });

  it('reads the text of HTML without inventing entities from its markup', () => {
    expect(extract('<p class="x1" data-id="12">My order <b>A12345</b>, <a href="https://acme.com/t?id=9">track</a></p><br/>')).toEqual([
      ['number', '12', 12],
      ['order_id', 'A12345', 'A12345'],
      ['url', 'https://acme.com/t?id=9', 'https://acme.com/t?id=9'],
    ]);
  });
});

describe('createExtractors', () => {
  it('runs every built-in when the definition does not list them, and none with []', () => {
    expect(createExtractors().map((extractor) => extractor.name)).toEqual(['dates', 'numbers', 'amounts', 'emails', 'phones', 'urls']);
    expect(createExtractors({ builtins: [] })).toEqual([]);
  });

  it('puts the bot\'s own extractors first, and each built-in once', () => {
    const names = createExtractors({
      regex: [{ entity: 'a', pattern: 'a' }],
      lookups: [{ entity: 'b', values: [{ value: 'b' }] }],
      builtins: ['emails', 'dates', 'emails'],
    }).map((extractor) => extractor.name);
    expect(names).toEqual(['regex', 'lookup', 'emails', 'dates']);
  });

  it('reports an unknown built-in and a broken entity when created', () => {
    // A bot bundle is JSON: its names are only checked at run time.
    const bundle = JSON.parse('{"builtins": ["dates", "weather"]}') as Parameters<typeof createExtractors>[0];
    expect(() => createExtractors(bundle)).toThrow('Unknown built-in extractor "weather"; use any of dates, numbers, amounts, emails, phones, urls.');
    expect(() => createExtractors({ regex: [{ entity: 'order_id', pattern: '(' }] })).toThrow(/Regex entity "order_id"/);
  });
});

describe('a failing extractor', () => {
  it('costs the message only its own entities', () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const broken = { name: 'broken', extract: () => { throw new Error('library bug'); } };
    const emails = createExtractors({ builtins: ['emails'] });
    const entities = extractEntities('mail jane@example.com', [broken, ...emails], { now: new Date(0), timeZone: 'UTC', locale: 'en' });
    expect(entities.map((e) => e.entity)).toEqual(['email']);
    expect(log).toHaveBeenCalledOnce();
    log.mockRestore();
  });
});
