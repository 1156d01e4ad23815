import { describe, expect, it } from 'vitest';
import { localeInfo } from './locale';
import { createNumberExtractor, readNumberWords, readNumeral } from './numbers';
import { aContext, found } from './testing';

const numbers = createNumberExtractor();
const values = (text: string, locale = 'en-US') => numbers.extract(text, aContext({ locale })).map((entity) => entity.value);

describe('numbers in digits', () => {
  it('reads digits with separators the way the locale writes them', () => {
    expect(values('I ordered 3 boxes, 1,299 units at 49.99 each')).toEqual([3, 1299, 49.99]);
    expect(values('1.234,56 and 1,234.56 and 1 234 and 1’234')).toEqual([1234.56, 1234.56, 1, 234, 1234]);
    expect(values('1 234 et 1,5 et 1,234', 'fr-FR')).toEqual([1234, 1.5, 1.234]);
    expect(values('1.234 und 1,234', 'de-DE')).toEqual([1234, 1.234]);
  });

  it('keeps spans and text exact', () => {
    expect(found(numbers.extract('Total: 1,299.50!', aContext()))).toEqual([['number', '1,299.50', 1299.5]]);
  });

  it('does not read numbers out of references, times, dates, versions or words', () => {
    expect(values('my order A12345 never arrived')).toEqual([]);
    expect(values('at 10:30 on 12/25 with v1.2.3, the 1st or 3pm, 5x')).toEqual([]);
    expect(values('order 123-456')).toEqual([]);
  });

  it('leaves digit runs too long to be numbers (card or tracking numbers)', () => {
    expect(values('tracking 1234567890123456789')).toEqual([]);
  });
});

describe('numbers in words', () => {
  it('reads small English numbers', () => {
    expect(values('two boxes, twenty five euros, twenty-one days, a hundred and five, zero')).toEqual([2, 25, 21, 105, 0]);
    expect(values('one thousand two hundred thirty four, fifteen hundred, two million')).toEqual([1234, 1500, 2_000_000]);
  });

  it('splits words that cannot form one number', () => {
    expect(values('one two three')).toEqual([1, 2, 3]);
    expect(values('five and six')).toEqual([5, 6]);
  });

  it('leaves "one" meaning someone or something', () => {
    expect(values('no one answered and this one is broken')).toEqual([]);
    expect(values('I need one')).toEqual([1]);
  });

  it('does not read parts of words or hyphenated adjectives', () => {
    expect(values('someone bought a tennis net, often at a one-time fee, a hundred-fold')).toEqual([]);
    expect(values('alone, fivefold, tenth, a thousands')).toEqual([]);
  });

  it('ignores look-alike letters that case-insensitive matching lets through', () => {
    expect(values('ſix and \u212Aeep')).toEqual([]);
  });

  it('reads runs with their offsets', () => {
    expect(readNumberWords('twenty five and six')).toEqual([
      { value: 25, start: 0, end: 11 },
      { value: 6, start: 16, end: 19 },
    ]);
    expect(readNumberWords('hundred')).toEqual([]);
  });
});

describe('readNumeral', () => {
  const en = localeInfo('en');
  const fr = localeInfo('fr');
  it.each([
    ['49.99', en, 49.99],
    ['10,50', en, 10.5],
    ['1,234', en, 1234],
    ['1,234', fr, 1.234],
    ['0,125', en, 0.125],
    ['12345,678', en, 12345.678],
    ['1,234,567.5', fr, 1234567.5],
    ['007', en, 7],
  ])('%s in %s is %d', (raw, locale, value) => {
    expect(readNumeral(raw, locale)).toBe(value);
  });
});
