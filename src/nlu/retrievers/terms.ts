/**
 * The words a retriever compares: the featurizer's tokens (same normalisation: NFKC, lower case,
 * clitics split), words only (no punctuation), the bot's synonyms folded to their canonical value,
 * then a light stem (Porter, from the `stemmer` package) so "refunds", "refunded" and "refunding" meet.
 */
import { stemmer } from 'stemmer';
import { tokenize } from '../tokenize';

export interface Term {
  /** The word as normalised (its pretrained vector is looked up by this). */
  word: string;
  /** Its stem: what the index matches exactly. */
  stem: string;
  /** The first letters: a fuzzy match for spellings the stemmer keeps apart ("striked", "strikethrough"). */
  prefix: string;
}

const WORD = /[\p{L}\p{N}]/u;
export const PREFIX_LENGTH = 5;
/** A question longer than this is cut: the words that say what it is about come first. */
export const MAX_QUERY_TERMS = 64;

/** One-word synonyms of the bot's lookups, normalised: "cheaper" -> "cheap" if the bot says so. */
export type Synonyms = ReadonlyMap<string, string>;

export function termsOf(text: string, synonyms: Synonyms = new Map(), limit = Number.POSITIVE_INFINITY): Term[] {
  const terms: Term[] = [];
  for (const token of tokenize(text, limit)) {
    if (!WORD.test(token.norm)) continue;
    for (const word of (synonyms.get(token.norm) ?? token.norm).split(' ')) {
      if (word) terms.push({ word, stem: stemOf(word), prefix: word.slice(0, PREFIX_LENGTH) });
    }
  }
  return terms;
}

export function stemOf(word: string): string {
  // Porter is for English words; numbers and codes are matched as they are.
  return /^[a-z]+$/.test(word) ? stemmer(word) : word;
}

/** A passage's own words, for fields and extracts: the Markdown's link targets and marks dropped. */
export function plainText(markdown: string): string {
  return markdown.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[*_`#>|~]/g, ' ');
}
