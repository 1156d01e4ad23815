/** Small text helpers the extractors share. */
import { extractorDefaults } from './defaults';

/** No entity is longer than this, so backing off this far to a space never loses one. */
const LONGEST_ENTITY = 256;

/**
 * The part of `text` extractors search: at most `maxLength` characters, cut at a whitespace near
 * the limit when there is one (so no entity is cut in half) and never inside a surrogate pair.
 * It is a prefix, so offsets into it are offsets into `text`.
 */
export function searchableText(text: string, maxLength: number = extractorDefaults.maxTextLength): string {
  if (text.length <= maxLength) return text;
  for (let i = maxLength; i > 0 && i >= maxLength - LONGEST_ENTITY; i--) {
    if (/\s/u.test(text[i]!)) return text.slice(0, i);
  }
  const code = text.charCodeAt(maxLength - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? maxLength - 1 : maxLength);
}

/** Escapes a literal for use in a regular expression outside a character class (valid with "u"). */
export function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
