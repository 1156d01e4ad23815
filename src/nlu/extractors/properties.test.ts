import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createExtractors, extractEntities } from './index';
import type { ExtractedEntity, ExtractionContext } from './types';

const extractors = createExtractors({
  regex: [
    { entity: 'order_id', pattern: String.raw`\b[A-Z]\d{5}\b` },
    { entity: 'anything', pattern: '.?', flags: 'su' },
  ],
  lookups: [{ entity: 'plan', values: [{ value: 'pro plan', synonyms: ['pro', 'professional', 'café'] }] }],
});

/** Pieces of support chat and of trouble, so random strings often come near real entities. */
const fragment = fc.constantFrom(
  ...['$', '€', '£', 'US$', '25', '1,299.50', '10,50', '0', '007', '@', 'jane.doe', 'example.com', '+44', '20 7946 0958', '(212) 555-0199'],
  ...['tomorrow', 'at 3pm', 'friday', 'next', 'in 2 hours', '15.03.2024', '2024-03-15', '10:30', 'twenty', 'five', 'hundred', 'and', 'one'],
  ...['a', 'pro', 'plan', 'Café', 'cafe\u0301', 'ﬁ', 'https://', 'www.', 'acme.co.uk', '/x?y=1', 'A12345', 'EUR', 'USD', 'dollars', 'ext. 12'],
  ...[' ', '  ', '\n', '.', ',', '-', '/', ':', '(', ')', '#', '"', '<a href="', '">', '</p>', '\u200B', '\u200D', '\u200F', '\uFEFF'],
  ...['😀', '👩‍💻', '👍🏽', 'שלום', 'مرحبا', '日本', '\uD800', '\uDC00', '\u0000', '٣'],
);
const chatLike = fc.array(fc.oneof(fragment, fc.string({ maxLength: 4 })), { maxLength: 40 }).map((parts) => parts.join(''));
const anyText = fc.oneof(chatLike, fc.string({ unit: 'binary', maxLength: 120 }), fc.string({ unit: 'grapheme', maxLength: 60 }));

const aContext: fc.Arbitrary<ExtractionContext> = fc.record({
  now: fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
  timeZone: fc.constantFrom('Pacific/Auckland', 'America/New_York', 'Asia/Kathmandu', 'UTC', 'Europe/London', 'Not/AZone', ''),
  locale: fc.constantFrom('en-US', 'en-GB', 'fr-FR', 'de-DE', 'en-CA', 'he-IL', 'ar-EG', 'ja-JP', '', 'not a locale'),
});

function expectWellFormed(entity: ExtractedEntity, text: string): void {
  expect(Number.isInteger(entity.start) && Number.isInteger(entity.end)).toBe(true);
  expect(entity.start).toBeGreaterThanOrEqual(0);
  expect(entity.end).toBeGreaterThan(entity.start);
  expect(entity.end).toBeLessThanOrEqual(text.length);
  expect(text.slice(entity.start, entity.end)).toBe(entity.text);
  expect(entity.confidence).toBeGreaterThan(0);
  expect(entity.confidence).toBeLessThanOrEqual(1);
  if (typeof entity.value === 'number') expect(Number.isFinite(entity.value)).toBe(true);
}

describe('every extractor, on any text', () => {
  it('never throws and returns in-bounds spans whose text is the slice', () => {
    fc.assert(
      fc.property(anyText, aContext, (text, context) => {
        for (const extractor of extractors) {
          for (const entity of extractor.extract(text, context)) {
            expectWellFormed(entity, text);
            expect(entity.extractor).toBe(extractor.name);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('merges into sorted spans that do not overlap', () => {
    fc.assert(
      fc.property(chatLike, aContext, (text, context) => {
        const entities = extractEntities(text, extractors, context);
        for (const [index, entity] of entities.entries()) {
          expectWellFormed(entity, text);
          if (index > 0) expect(entity.start).toBeGreaterThanOrEqual(entities[index - 1]!.end);
        }
      }),
      { numRuns: 200 },
    );
  });
});
