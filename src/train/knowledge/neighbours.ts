/**
 * The pretrained-vector neighbours the retriever ships: for each word a visitor is likely to type
 * (the most frequent words of the pretrained vocabulary, and every word of the articles), the index
 * stems whose words are closest to it. The vectors themselves (100 floats a word) stay in Node; the
 * bundle carries a few neighbours a word, in hundredths.
 */
import { stemOf } from '../../nlu/retrievers/terms';
import type { WordVectors } from '../word-vectors';

export interface NeighbourOptions {
  /** How many of the most frequent pretrained words may be typed by visitors. */
  candidates: number;
  /** Neighbours kept per word. */
  perWord: number;
  /** Least similarity kept (the retriever learns its own floor above it). */
  floor: number;
}

export const NEIGHBOUR_DEFAULTS: NeighbourOptions = { candidates: 15_000, perWord: 3, floor: 0.5 };

const ALPHABETIC = /^[a-z]+$/;

/** `indexWords`: every normalised word of the articles. Returns the `neighbours` text of the index. */
export function buildNeighbours(indexWords: Iterable<string>, vectors: WordVectors, options: NeighbourOptions = NEIGHBOUR_DEFAULTS): string {
  const dims = vectors.dimensions;
  const targets: Array<{ word: string; stem: string }> = [];
  for (const word of new Set(indexWords)) if (ALPHABETIC.test(word) && vectors.vector(word)) targets.push({ word, stem: stemOf(word) });
  if (targets.length === 0) return '';
  const matrix = new Float32Array(targets.length * dims);
  targets.forEach(({ word }, i) => matrix.set(vectors.vector(word)!, i * dims));

  const candidates = new Set<string>(targets.map((t) => t.word));
  for (const word of vectors.frequentWords(options.candidates)) if (ALPHABETIC.test(word)) candidates.add(word);

  const lines: string[] = [];
  const sims = new Float32Array(targets.length);
  for (const word of candidates) {
    const v = vectors.vector(word);
    if (!v) continue;
    for (let i = 0; i < targets.length; i++) {
      let dot = 0;
      const offset = i * dims;
      for (let d = 0; d < dims; d++) dot += v[d]! * matrix[offset + d]!;
      sims[i] = dot;
    }
    const own = stemOf(word);
    const best = new Map<string, number>();
    for (let i = 0; i < targets.length; i++) {
      const sim = sims[i]!;
      const { stem } = targets[i]!;
      if (sim < options.floor || stem === own) continue;
      if ((best.get(stem) ?? 0) < sim) best.set(stem, sim);
    }
    if (best.size === 0) continue;
    const kept = [...best].sort((a, b) => b[1] - a[1]).slice(0, options.perWord);
    lines.push(`${word} ${kept.map(([stem, sim]) => `${stem}:${Math.round(sim * 100)}`).join(' ')}`);
  }
  return lines.join('\n');
}
