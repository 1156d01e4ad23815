import { describe, expect, it } from 'vitest';
import { en } from './en';
import { format, locales, pickLocale } from './index';

describe('locale choice', () => {
  it('prefers the option, then the browser languages, then English', () => {
    expect(pickLocale('fr', ['en-US'])).toBe('fr');
    expect(pickLocale(undefined, ['de-DE', 'fr-CA'])).toBe('fr');
    expect(pickLocale('xx', ['de'])).toBe('en');
    expect(pickLocale('FR-be', [])).toBe('fr');
  });

  it('gives every locale a non-empty string for every key', () => {
    for (const [locale, table] of Object.entries(locales)) {
      expect(Object.keys(table).sort(), locale).toEqual(Object.keys(en).sort());
      for (const [key, value] of Object.entries(table)) expect(value.trim(), `${locale}.${key}`).not.toBe('');
    }
  });
});

describe('format', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(format('{bot} is typing', { bot: 'Acme' })).toBe('Acme is typing');
    expect(format('{count} left, {other}', { count: 3 })).toBe('3 left, {other}');
  });
});
