import { describe, expect, it } from 'vitest';
import { createLookupExtractor } from './lookup';
import { aContext, found } from './testing';

const context = aContext();
const plans = createLookupExtractor([
  {
    entity: 'plan',
    values: [
      { value: 'pro plan', synonyms: ['pro', 'professional'] },
      { value: 'basic plan', synonyms: ['basic', 'starter'] },
    ],
  },
  { entity: 'drink', values: [{ value: 'café au lait', synonyms: ['latte'] }] },
]);

describe('lookup entities', () => {
  it('maps the value and its synonyms to the canonical value', () => {
    expect(found(plans.extract('I am on the pro plan', context))).toEqual([['plan', 'pro plan', 'pro plan']]);
    expect(found(plans.extract('switch me to professional', context))).toEqual([['plan', 'professional', 'pro plan']]);
    expect(found(plans.extract('starter or pro?', context))).toEqual([
      ['plan', 'starter', 'basic plan'],
      ['plan', 'pro', 'pro plan'],
    ]);
  });

  it('ignores case and accents both ways, with offsets into the original text', () => {
    const text = 'Un CAFE AU LAIT et le Pro Plan';
    expect(found(plans.extract(text, context))).toEqual([
      ['drink', 'CAFE AU LAIT', 'café au lait'],
      ['plan', 'Pro Plan', 'pro plan'],
    ]);
    const accented = createLookupExtractor([{ entity: 'city', values: [{ value: 'Montreal' }] }]);
    expect(found(accented.extract('MONTRÉAL', context))).toEqual([['city', 'MONTRÉAL', 'Montreal']]);
  });

  it('keeps offsets right when normalisation changes lengths', () => {
    // "ﬁ" (one character) folds to "fi"; "e" + combining acute is two characters for one letter.
    const extractor = createLookupExtractor([{ entity: 'term', values: [{ value: 'wifi' }, { value: 'cafe' }] }]);
    const text = 'ﬁrst: the WIﬁ at the cafe\u0301 is down';
    const entities = extractor.extract(text, context);
    expect(found(entities)).toEqual([
      ['term', 'WIﬁ', 'wifi'],
      ['term', 'cafe\u0301', 'cafe'],
    ]);
    for (const entity of entities) expect(text.slice(entity.start, entity.end)).toBe(entity.text);
  });

  it('matches whole words only', () => {
    expect(plans.extract('a prototype and a probasic thing', context)).toEqual([]);
  });

  it('lets the longest phrase win where phrases overlap', () => {
    const extractor = createLookupExtractor([
      { entity: 'product', values: [{ value: 'pro' }, { value: 'pro max', synonyms: ['pro max plus'] }] },
    ]);
    expect(found(extractor.extract('the pro max plus and the pro', context))).toEqual([
      ['product', 'pro max plus', 'pro max'],
      ['product', 'pro', 'pro'],
    ]);
  });

  it('sees through zero-width characters inside words', () => {
    expect(found(plans.extract('the pro\u200B plan', context))).toEqual([['plan', 'pro\u200B plan', 'pro plan']]);
  });

  it('reports a phrase with no words and a synonym given to two values', () => {
    expect(() => createLookupExtractor([{ entity: 'plan', values: [{ value: 'pro', synonyms: ['  '] }] }])).toThrow(
      /Lookup entity "plan": " {2}" \(for value "pro"\) has no words to match/,
    );
    expect(() =>
      createLookupExtractor([{ entity: 'plan', values: [{ value: 'pro', synonyms: ['premium'] }, { value: 'gold', synonyms: ['Premium'] }] }]),
    ).toThrow(/Lookup entity "plan": "Premium" stands for both "pro" and "gold"/);
  });

  it('gives a phrase shared by two entities to the first defined', () => {
    const extractor = createLookupExtractor([
      { entity: 'plan', values: [{ value: 'pro' }] },
      { entity: 'product', values: [{ value: 'pro' }] },
    ]);
    expect(found(extractor.extract('pro', context))).toEqual([['plan', 'pro', 'pro']]);
  });
});
