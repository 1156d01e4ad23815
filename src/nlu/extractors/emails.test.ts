import { describe, expect, it } from 'vitest';
import { createEmailExtractor } from './emails';
import { aContext, found } from './testing';

const emails = createEmailExtractor();
const extract = (text: string) => found(emails.extract(text, aContext()));

describe('email addresses', () => {
  it('finds addresses in sentences, without the punctuation around them', () => {
    expect(extract('refund $49.99 to jane.doe@example.com.')).toEqual([['email', 'jane.doe@example.com', 'jane.doe@example.com']]);
    expect(extract('(o.brien+orders@Sub.Example.co.uk), or a_b-c%d@x-y.io?')).toEqual([
      ['email', 'o.brien+orders@Sub.Example.co.uk', 'o.brien+orders@sub.example.co.uk'],
      ['email', 'a_b-c%d@x-y.io', 'a_b-c%d@x-y.io'],
    ]);
  });

  it('accepts international letters', () => {
    expect(extract('écrivez à josé@exemple.fr')).toEqual([['email', 'josé@exemple.fr', 'josé@exemple.fr']]);
  });

  it('reads addresses out of HTML and mailto links', () => {
    expect(extract('<a href="mailto:help@acme.com">help@acme.com</a>')).toEqual([
      ['email', 'help@acme.com', 'help@acme.com'],
      ['email', 'help@acme.com', 'help@acme.com'],
    ]);
  });

  it('rejects what only looks like an address', () => {
    expect(extract('@jane, me@localhost, a@b.c, x@-acme.com, jane..doe@acme.com, @@, user@, 10 @ 5pm')).toEqual([]);
  });
});
