import { describe, expect, it } from 'vitest';
import { createPhoneExtractor } from './phones';
import { aContext, found } from './testing';

const phones = createPhoneExtractor();
const extract = (text: string, locale = 'en-US') => found(phones.extract(text, aContext({ locale })));

describe('phone numbers', () => {
  it('finds international numbers whatever the visitor\'s country, as E.164', () => {
    expect(extract('call me at +44 20 7946 0958 tomorrow at 3pm')).toEqual([['phone', '+44 20 7946 0958', '+442079460958']]);
    expect(extract('or +33 6 12 34 56 78, or 0044 20 7946 0958', 'en-GB')).toEqual([
      ['phone', '+33 6 12 34 56 78', '+33612345678'],
      ['phone', '0044 20 7946 0958', '+442079460958'],
    ]);
  });

  it('finds national numbers written like phones in the visitor\'s country', () => {
    expect(extract('my number is (212) 555-0199 or 212.555.0142')).toEqual([
      ['phone', '(212) 555-0199', '+12125550199'],
      ['phone', '212.555.0142', '+12125550142'],
    ]);
    expect(extract('appelez le 06 12 34 56 78', 'fr-FR')).toEqual([['phone', '06 12 34 56 78', '+33612345678']]);
  });

  it('keeps an extension in the span, not in the value', () => {
    expect(extract('+1 212 555 0199 ext. 12')).toEqual([['phone', '+1 212 555 0199 ext. 12', '+12125550199']]);
  });

  it('leaves order numbers, bare digit runs, dates and amounts alone', () => {
    const text = 'my order A12345 never arrived, ref 12345, #212-555-0199, 2125550199, 15.03.2024, 2024-03-15, $49.99';
    for (const locale of ['en-US', 'de-DE', 'fr-FR', 'en-GB']) expect(extract(text, locale)).toEqual([]);
  });
});
