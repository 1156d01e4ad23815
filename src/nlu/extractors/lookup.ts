/**
 * Lookup lists: closed sets of values, each with synonyms, matched as whole words regardless of case
 * and accents. Matching runs over the same tokens the model sees, so spans are word-aligned and
 * offsets point into the original text whatever normalisation did to the characters.
 */
import { tokenize } from '../tokenize';
import { extractorDefaults } from './defaults';
import { mergeEntities } from './merge';
import { searchableText } from './text';
import type { ExtractedEntity, Extractor, LookupDefinition } from './types';

/** A trie over folded tokens; a node that ends a phrase knows its entity and canonical value. */
interface TrieNode {
  next: Map<string, TrieNode>;
  match?: { entity: string; value: string };
}

export function createLookupExtractor(definitions: readonly LookupDefinition[]): Extractor {
  const root = buildTrie(definitions);
  return {
    name: 'lookup',
    extract(text) {
      const tokens = tokenize(searchableText(text));
      const words = tokens.map((token) => fold(token.norm));
      const candidates: ExtractedEntity[] = [];
      for (let first = 0; first < tokens.length; first++) {
        // The longest phrase starting at this token.
        let node: TrieNode | undefined = root;
        let longest: { last: number; match: NonNullable<TrieNode['match']> } | undefined;
        for (let last = first; last < words.length && node; last++) {
          node = node.next.get(words[last]!);
          if (node?.match) longest = { last, match: node.match };
        }
        if (!longest) continue;
        const { start, end } = withoutInvisibleEdges(text, tokens[first]!.start, tokens[longest.last]!.end);
        candidates.push({
          entity: longest.match.entity,
          value: longest.match.value,
          text: text.slice(start, end),
          start,
          end,
          confidence: extractorDefaults.confidence.lookup,
          extractor: 'lookup',
        });
      }
      // Of overlapping phrases ("pro" inside "pro plan"), the longest wins, as across extractors.
      return mergeEntities([candidates]).slice(0, extractorDefaults.maxEntitiesPerExtractor);
    },
  };
}

function buildTrie(definitions: readonly LookupDefinition[]): TrieNode {
  const root: TrieNode = { next: new Map() };
  for (const [index, { entity, values }] of definitions.entries()) {
    const where = entity ? `Lookup entity "${entity}"` : `Lookup entity #${index + 1}`;
    if (!entity) throw new Error(`${where}: the entity needs a name.`);
    for (const { value, synonyms = [] } of values) {
      for (const phrase of [value, ...synonyms]) {
        const words = tokenize(phrase).map((token) => fold(token.norm));
        if (words.length === 0) {
          throw new Error(`${where}: "${phrase}" (for value "${value}") has no words to match; remove it or add letters or digits.`);
        }
        let node = root;
        for (const word of words) {
          let child = node.next.get(word);
          if (!child) node.next.set(word, (child = { next: new Map() }));
          node = child;
        }
        // The same phrase for two values of one entity cannot be resolved; across entities the
        // first definition keeps it, so the order of the bot's entities decides.
        if (node.match && node.match.entity === entity && node.match.value !== value) {
          throw new Error(`${where}: "${phrase}" stands for both "${node.match.value}" and "${value}"; keep it under one value.`);
        }
        node.match ??= { entity, value };
      }
    }
  }
  return root;
}

/** A token can end in a zero-width or direction mark; the entity's span should not. */
function withoutInvisibleEdges(text: string, from: number, to: number): { start: number; end: number } {
  let start = from;
  let end = to;
  while (start < end && /\p{Cf}/u.test(text[start]!)) start++;
  while (end > start && /\p{Cf}/u.test(text[end - 1]!)) end--;
  return { start, end };
}

/** Case was folded by the tokenizer; this folds accents too ("Café" and "cafe" match). */
function fold(norm: string): string {
  return norm.normalize('NFD').replace(/\p{Mn}/gu, '').normalize('NFC');
}
