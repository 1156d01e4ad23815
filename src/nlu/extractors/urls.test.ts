import { describe, expect, it } from 'vitest';
import { aContext, found } from './testing';
import { createUrlExtractor } from './urls';

const urls = createUrlExtractor();
const extract = (text: string) => found(urls.extract(text, aContext()));

describe('URLs', () => {
  it('finds addresses with a scheme, with "www." and bare domains, without trailing punctuation', () => {
    expect(extract('see https://acme.com/help?topic=returns#top. or www.acme.co.uk/returns, or acme.io!')).toEqual([
      ['url', 'https://acme.com/help?topic=returns#top', 'https://acme.com/help?topic=returns#top'],
      ['url', 'www.acme.co.uk/returns', 'https://www.acme.co.uk/returns'],
      ['url', 'acme.io', 'https://acme.io/'],
    ]);
  });

  it('keeps a bracket that belongs to the address and drops one that closes the sentence', () => {
    expect(extract('(see https://en.wikipedia.org/wiki/Foo_(bar)) and [docs](https://acme.com/docs)')).toEqual([
      ['url', 'https://en.wikipedia.org/wiki/Foo_(bar)', 'https://en.wikipedia.org/wiki/Foo_(bar)'],
      ['url', 'https://acme.com/docs', 'https://acme.com/docs'],
    ]);
  });

  it('reads links out of HTML', () => {
    expect(extract('<a href="https://acme.com/a?b=1&amp;c=2">here</a>')).toEqual([
      ['url', 'https://acme.com/a?b=1&amp;c=2', 'https://acme.com/a?b=1&amp;c=2'],
    ]);
  });

  it('normalises international domains', () => {
    expect(extract('https://bücher.de/kaufen')).toEqual([['url', 'https://bücher.de/kaufen', 'https://xn--bcher-kva.de/kaufen']]);
  });

  it('does not take file names, missing spaces, abbreviations or email domains for addresses', () => {
    expect(extract('invoice.pdf, I got it.It broke, e.g. this, i.e. that, jane.doe@example.com, https://, http://localhost')).toEqual([]);
  });
});
