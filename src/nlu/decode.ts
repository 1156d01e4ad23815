/**
 * Decoding of the network's outputs, shared by the trainer's evaluation and the runtime:
 * intent probabilities, and BIO tags turned into well-formed entity spans of the original text.
 */
import type { Token } from './tokenize';

export const OUTSIDE_TAG = 'O';

export function softmax(logits: ArrayLike<number>, temperature = 1): Float32Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]! / temperature);
  const out = new Float32Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(logits[i]! / temperature - max);
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}

/** Tag list for entity types: O, then B-type and I-type for each type in order. */
export function bioTags(entityTypes: readonly string[]): string[] {
  return [OUTSIDE_TAG, ...entityTypes.flatMap((type) => [`B-${type}`, `I-${type}`])];
}

export interface TaggedSpan {
  entity: string;
  start: number;
  end: number;
  /** Mean probability of the tags that make up the span. */
  confidence: number;
}

/**
 * Constrained Viterbi over per-token tag probabilities: `I-x` may only follow `B-x` or `I-x`, so every
 * span is well formed. `logits` holds steps x tags values for this sequence.
 */
export function decodeEntities(logits: ArrayLike<number>, tags: readonly string[], spans: readonly Token[]): TaggedSpan[] {
  const steps = spans.length;
  const tagCount = tags.length;
  if (steps === 0 || tagCount <= 1) return [];
  const probabilities: Float32Array[] = [];
  for (let t = 0; t < steps; t++) probabilities.push(softmax(Array.prototype.slice.call(logits, t * tagCount, (t + 1) * tagCount) as number[]));

  const insideOf = tags.map((tag) => (tag.startsWith('I-') ? tag.slice(2) : null));
  const typeOf = tags.map((tag) => (tag === OUTSIDE_TAG ? null : tag.slice(2)));
  const allowed = (from: number | null, to: number) => {
    const inside = insideOf[to];
    if (inside === null || inside === undefined) return true;
    return from !== null && typeOf[from] === inside;
  };

  let score = new Float64Array(tagCount).fill(Number.NEGATIVE_INFINITY);
  const back: Int32Array[] = [];
  for (let j = 0; j < tagCount; j++) if (allowed(null, j)) score[j] = Math.log(probabilities[0]![j]! + 1e-12);
  for (let t = 1; t < steps; t++) {
    const next = new Float64Array(tagCount).fill(Number.NEGATIVE_INFINITY);
    const pointers = new Int32Array(tagCount);
    for (let j = 0; j < tagCount; j++) {
      const emission = Math.log(probabilities[t]![j]! + 1e-12);
      for (let i = 0; i < tagCount; i++) {
        if (!allowed(i, j)) continue;
        const candidate = score[i]! + emission;
        if (candidate > next[j]!) {
          next[j] = candidate;
          pointers[j] = i;
        }
      }
    }
    back.push(pointers);
    score = next;
  }
  let best = 0;
  for (let j = 1; j < tagCount; j++) if (score[j]! > score[best]!) best = j;
  const path = [best];
  for (let t = steps - 2; t >= 0; t--) path.unshift((best = back[t]![best]!));

  const entities: TaggedSpan[] = [];
  let current: { entity: string; start: number; end: number; sum: number; count: number } | null = null;
  const close = () => {
    if (current) entities.push({ entity: current.entity, start: current.start, end: current.end, confidence: current.sum / current.count });
    current = null;
  };
  path.forEach((tagIndex, t) => {
    const tag = tags[tagIndex]!;
    const p = probabilities[t]![tagIndex]!;
    const span = spans[t]!;
    if (tag.startsWith('B-')) {
      close();
      current = { entity: tag.slice(2), start: span.start, end: span.end, sum: p, count: 1 };
    } else if (tag.startsWith('I-') && current) {
      current.end = span.end;
      current.sum += p;
      current.count++;
    } else close();
  });
  close();
  return entities;
}

/** Tags each token from gold entity spans: the first token a span touches is B-, the rest I-. */
export function tagTokens(
  spans: readonly Token[],
  entities: ReadonlyArray<{ entity: string; start: number; end: number }>,
  tags: readonly string[],
): Int32Array {
  const index = new Map(tags.map((tag, i) => [tag, i]));
  const out = new Int32Array(spans.length);
  for (const entity of entities) {
    let first = true;
    spans.forEach((span, t) => {
      if (span.end <= entity.start || span.start >= entity.end) return;
      out[t] = index.get(`${first ? 'B' : 'I'}-${entity.entity}`) ?? 0;
      first = false;
    });
  }
  return out;
}
