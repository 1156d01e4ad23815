import { describe, expect, it } from 'vitest';
import { aMenuBot } from '../test/builders';
import { findMenuItem, replyFromMenu } from './menu';

describe('buttons-only replies', () => {
  const bot = aMenuBot();

  it('answers a button press by item id', () => {
    expect(replyFromMenu(bot, { id: 'refund' })).toEqual({ kind: 'answer', item: bot.menu[1], text: 'Refunds take 30 days.' });
  });

  it('answers a typed label whatever its case, accents or punctuation', () => {
    expect(findMenuItem(bot, { text: '  opening HOURS! ' })?.id).toBe('hours');
    expect(findMenuItem(aMenuBot({ menu: [{ id: 'a', label: 'Café hours', response: 'x' }] }), { text: 'cafe hours' })?.id).toBe('a');
  });

  it('does not understand other free text, nor punctuation alone', () => {
    expect(replyFromMenu(bot, { text: 'where is my parcel' })).toEqual({ kind: 'not-understood' });
    expect(replyFromMenu(bot, { text: '?!' })).toEqual({ kind: 'not-understood' });
    expect(replyFromMenu(bot, { id: 'missing' })).toEqual({ kind: 'not-understood' });
  });
});
