import { describe, expect, it } from 'vitest';
import { luminance, textColorOn } from './theme';

describe('text colour on the brand colour', () => {
  it('picks white on dark colours and black on light ones', () => {
    expect(textColorOn('#1d4ed8')).toBe('#ffffff');
    expect(textColorOn('#000')).toBe('#ffffff');
    expect(textColorOn('#ffeb3b')).toBe('#000000');
    expect(textColorOn('#FFFFFF')).toBe('#000000');
  });

  it('falls back to white for notations it cannot read', () => {
    expect(luminance('rebeccapurple')).toBeUndefined();
    expect(textColorOn('rgb(0 0 0)')).toBe('#ffffff');
  });
});
