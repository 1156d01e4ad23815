import { describe, expect, it } from 'vitest';
import { createRegexExtractor, nestedRepetition } from './regex';
import { aContext, found } from './testing';

const context = aContext();

describe('regex entities', () => {
  it('finds every match of every pattern, with the match as value', () => {
    const extractor = createRegexExtractor([
      { entity: 'order_id', pattern: String.raw`\b[A-Z]\d{5}\b` },
      { entity: 'ticket', pattern: String.raw`#(\d+)`, flags: 'i' },
    ]);
    expect(found(extractor.extract('my order A12345 never arrived, nor B54321 (ticket #77)', context))).toEqual([
      ['order_id', 'A12345', 'A12345'],
      ['order_id', 'B54321', 'B54321'],
      ['ticket', '#77', '#77'],
    ]);
  });

  it('honours flags and adds "g" itself', () => {
    const extractor = createRegexExtractor([{ entity: 'code', pattern: 'promo-[a-z]+', flags: 'ig' }]);
    expect(found(extractor.extract('use PROMO-spring or promo-summer', context))).toEqual([
      ['code', 'PROMO-spring', 'PROMO-spring'],
      ['code', 'promo-summer', 'promo-summer'],
    ]);
  });

  it('skips zero-length matches instead of returning empty entities or looping', () => {
    const extractor = createRegexExtractor([{ entity: 'digits', pattern: String.raw`\d*` }]);
    expect(found(extractor.extract('a1b22', context))).toEqual([
      ['digits', '1', '1'],
      ['digits', '22', '22'],
    ]);
    expect(createRegexExtractor([{ entity: 'nothing', pattern: '(?=x)' }]).extract('xxx', context)).toEqual([]);
  });

  it('reports a broken pattern when created, naming the entity', () => {
    expect(() => createRegexExtractor([{ entity: 'order_id', pattern: '[A-Z' }])).toThrow(/Regex entity "order_id": the pattern \/\[A-Z\/ is not a valid regular expression/);
    expect(() => createRegexExtractor([{ entity: 'order_id', pattern: 'a', flags: 'y' }])).toThrow(/Regex entity "order_id": flags "y" are not supported/);
    expect(() => createRegexExtractor([{ entity: '', pattern: 'a' }])).toThrow(/Regex entity #1: the entity needs a name/);
  });

  it('refuses patterns that can backtrack catastrophically, naming the part', () => {
    expect(() => createRegexExtractor([{ entity: 'words', pattern: String.raw`^(\w+\s?)*$` }])).toThrow(
      /Regex entity "words": the pattern repeats a group that itself repeats \(\(\\w\+\\s\?\)\*\)/,
    );
  });

  it('stops after the text length limit, so a hostile message costs a bounded time', () => {
    const extractor = createRegexExtractor([{ entity: 'x', pattern: 'x' }]);
    const entities = extractor.extract(`${'a'.repeat(10_000)} x`, context);
    expect(entities).toEqual([]);
  });

  it('returns at most the entity limit per pattern, so a noisy pattern hides no other', () => {
    const extractor = createRegexExtractor([
      { entity: 'letter', pattern: '[a-z]' },
      { entity: 'order_id', pattern: String.raw`\b[A-Z]\d{5}\b` },
    ]);
    const entities = extractor.extract(`${'abc '.repeat(100)}A12345`, context);
    expect(entities.filter((entity) => entity.entity === 'letter')).toHaveLength(100);
    expect(found(entities.filter((entity) => entity.entity === 'order_id'))).toEqual([['order_id', 'A12345', 'A12345']]);
  });
});

describe('nestedRepetition', () => {
  it.each([
    ['(a+)+', '(a+)+'],
    [String.raw`(\w+\s?)*$`, String.raw`(\w+\s?)*`],
    ['(a|b+)*', '(a|b+)*'],
    ['((a+))+', '((a+))+'],
    ['(?:x*){1,}', '(?:x*){1,}'],
  ])('flags %s', (pattern, part) => {
    expect(nestedRepetition(pattern)).toBe(part);
  });

  it.each([
    String.raw`\b[A-Z]\d{5}\b`,
    String.raw`[A-Z]+(?:-\d+)+`,
    String.raw`[\w.+-]+@(?:[\w-]+\.)+\w+`,
    String.raw`\d{3}(?:[ -]?\d{3}){2}`,
    String.raw`(a+){2}`,
    String.raw`\(a+\)+`,
    String.raw`[(]a+[)]+`,
    String.raw`(?=\w+)x`,
  ])('accepts %s', (pattern) => {
    expect(nestedRepetition(pattern)).toBeUndefined();
  });
});
