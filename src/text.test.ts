import { describe, expect, it } from 'vitest';
import { onHostilePage } from './test/hostile-page';
import { isBlank, trimText } from './text';

const samples = ['', ' ', 'hello', '  hello  ', '\t\n hello world \r\n', '\u00a0\u2003x\u3000', '\ufeffx\ufeff', 'a  b', ' \n '];

describe('trimText', () => {
  it.each(samples)('trims %j as String.prototype.trim does', (sample) => {
    expect(trimText(sample)).toBe(sample.trim());
    expect(isBlank(sample)).toBe(sample.trim() === '');
  });

  it('still trims on a page that broke String.prototype.trim', async () => {
    const seen = await onHostilePage(() => ({ native: '  hi  '.trim(), ours: trimText('  hi  '), blank: isBlank('  hi  ') }));
    expect(seen).toEqual({ native: '', ours: 'hi', blank: false });
  });
});
