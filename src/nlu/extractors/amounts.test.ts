import { describe, expect, it } from 'vitest';
import { createAmountExtractor } from './amounts';
import { aContext, found } from './testing';

const amounts = createAmountExtractor();
const extract = (text: string, locale = 'en-US') => found(amounts.extract(text, aContext({ locale })));

describe('amounts of money', () => {
  it('reads symbols, codes and words before or after the number', () => {
    expect(extract('refund $49.99 to jane.doe@example.com')).toEqual([['amount', '$49.99', { amount: 49.99, currency: 'USD' }]]);
    expect(extract('it was 25 dollars, or € 10,50, or 10 EUR, or USD 1,299.00')).toEqual([
      ['amount', '25 dollars', { amount: 25, currency: 'USD' }],
      ['amount', '€ 10,50', { amount: 10.5, currency: 'EUR' }],
      ['amount', '10 EUR', { amount: 10, currency: 'EUR' }],
      ['amount', 'USD 1,299.00', { amount: 1299, currency: 'USD' }],
    ]);
    expect(extract('£5, 3€, 100 ¥ and twenty bucks')).toEqual([
      ['amount', '£5', { amount: 5, currency: 'GBP' }],
      ['amount', '3€', { amount: 3, currency: 'EUR' }],
      ['amount', '100 ¥', { amount: 100, currency: 'JPY' }],
      ['amount', 'twenty bucks', { amount: 20, currency: 'USD' }],
    ]);
  });

  it('reads a code written against the number', () => {
    expect(extract('10EUR')).toEqual([['amount', '10EUR', { amount: 10, currency: 'EUR' }]]);
  });

  it('reads "$" and "dollars" as the visitor\'s dollar', () => {
    expect(extract('$25', 'en-CA')).toEqual([['amount', '$25', { amount: 25, currency: 'CAD' }]]);
    expect(extract('25 dollars', 'en-AU')).toEqual([['amount', '25 dollars', { amount: 25, currency: 'AUD' }]]);
    expect(extract('US$25 or C$30', 'en-AU')).toEqual([
      ['amount', 'US$25', { amount: 25, currency: 'USD' }],
      ['amount', 'C$30', { amount: 30, currency: 'CAD' }],
    ]);
  });

  it('uses the locale for a lone separator before three digits', () => {
    expect(extract('1.299 €', 'de-DE')).toEqual([['amount', '1.299 €', { amount: 1299, currency: 'EUR' }]]);
    expect(extract('€1,299', 'en-IE')).toEqual([['amount', '€1,299', { amount: 1299, currency: 'EUR' }]]);
  });

  it('needs a real currency next to the number', () => {
    expect(extract('I paid 49.99 for the pro plan')).toEqual([]);
    expect(extract('5 ALL, TOP 10, 3 for the win, 2 sek')).toEqual([]);
    expect(extract('SEK 100')).toEqual([['amount', 'SEK 100', { amount: 100, currency: 'SEK' }]]);
    expect(extract('order A12345, EURO2024')).toEqual([]);
  });

  it('keeps ranges apart', () => {
    expect(extract('$5-$10')).toEqual([
      ['amount', '$5', { amount: 5, currency: 'USD' }],
      ['amount', '$10', { amount: 10, currency: 'USD' }],
    ]);
  });
});
