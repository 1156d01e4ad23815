/**
 * The bot's vocabulary: every word of its examples, plus the most frequent general English words (so a
 * visitor's everyday words still have a pretrained vector), each with its pruned word vector.
 */
import { PAD_TOKEN, UNKNOWN_TOKEN } from '../nlu/featurize';
import { tokenize } from '../nlu/tokenize';
import type { WordVectors } from './word-vectors';

export interface Vocabulary {
  words: string[];
  /** [words.length x dimensions], zero rows for words without a vector. */
  vectors: Float32Array;
  dimensions: number;
  /** How many words come from the bot's own examples (they come first, after the placeholders). */
  botWords: number;
}

export function buildVocabulary(texts: readonly string[], wordVectors: WordVectors, generalWords: number): Vocabulary {
  const counts = new Map<string, number>();
  for (const text of texts) for (const token of tokenize(text)) counts.set(token.norm, (counts.get(token.norm) ?? 0) + 1);
  const botWords = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([word]) => word);
  const known = new Set(botWords);
  const general = wordVectors.frequentWords(generalWords).filter((word) => !known.has(word) && tokenize(word).length === 1 && tokenize(word)[0]!.norm === word);
  const words = [PAD_TOKEN, UNKNOWN_TOKEN, ...botWords, ...general];
  const { dimensions } = wordVectors;
  const vectors = new Float32Array(words.length * dimensions);
  words.forEach((word, id) => {
    if (id < 2) return;
    const vector = wordVectors.vector(word) ?? wordVectors.vector(word.normalize('NFKD').replace(/\p{M}/gu, ''));
    if (vector) vectors.set(vector, id * dimensions);
  });
  return { words, vectors, dimensions, botWords: botWords.length };
}
