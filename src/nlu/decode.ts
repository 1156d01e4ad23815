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
 * Learned tag-to-tag scores of the entity head's CRF (row = previous tag, column = next tag), and the
 * scores of starting and ending a message on each tag. `matrix` is tags x tags, row-major.
 */
export interface TagTransitions {
  start: number[];
  end: number[];
  matrix: number[];
}

/** A score that rules a tag sequence out (an `I-x` that does not continue an `x` span). */
export const FORBIDDEN_TRANSITION = -1e4;

/**
 * Well-formed BIO: `I-x` may only follow `B-x` or `I-x`, and no message starts inside a span.
 * Returns additive penalties (0 or FORBIDDEN_TRANSITION) for the first tag and for each pair.
 */
export function bioConstraints(tags: readonly string[]): { start: Float32Array; matrix: Float32Array } {
  const K = tags.length;
  const insideOf = tags.map((tag) => (tag.startsWith('I-') ? tag.slice(2) : null));
  const typeOf = tags.map((tag) => (tag === OUTSIDE_TAG ? null : tag.slice(2)));
  const start = new Float32Array(K);
  const matrix = new Float32Array(K * K);
  for (let j = 0; j < K; j++) {
    const inside = insideOf[j];
    if (inside === null || inside === undefined) continue;
    start[j] = FORBIDDEN_TRANSITION;
    for (let i = 0; i < K; i++) if (typeOf[i] !== inside) matrix[i * K + j] = FORBIDDEN_TRANSITION;
  }
  return { start, matrix };
}

/**
 * Viterbi over the tag scores of one sequence (`logits`: steps x tags). With learned transitions the
 * scores are a CRF's (logits plus transition scores); without, each token's log-probabilities. Either
 * way the BIO constraints hold, so every span is well formed.
 */
export function decodeEntities(
  logits: ArrayLike<number>,
  tags: readonly string[],
  spans: readonly Token[],
  transitions: TagTransitions | null = null,
): TaggedSpan[] {
  const steps = spans.length;
  const K = tags.length;
  if (steps === 0 || K <= 1) return [];
  const probabilities: Float32Array[] = [];
  for (let t = 0; t < steps; t++) probabilities.push(softmax(Array.prototype.slice.call(logits, t * K, (t + 1) * K) as number[]));
  const emission = (t: number, j: number) => (transitions ? logits[t * K + j]! : Math.log(probabilities[t]![j]! + 1e-12));

  const constraints = bioConstraints(tags);
  const pair = new Float64Array(K * K);
  for (let k = 0; k < K * K; k++) pair[k] = constraints.matrix[k]! + (transitions?.matrix[k] ?? 0);

  let score = new Float64Array(K);
  for (let j = 0; j < K; j++) score[j] = constraints.start[j]! + (transitions?.start[j] ?? 0) + emission(0, j);
  const back: Int32Array[] = [];
  for (let t = 1; t < steps; t++) {
    const next = new Float64Array(K).fill(Number.NEGATIVE_INFINITY);
    const pointers = new Int32Array(K);
    for (let j = 0; j < K; j++) {
      for (let i = 0; i < K; i++) {
        const candidate = score[i]! + pair[i * K + j]!;
        if (candidate > next[j]!) {
          next[j] = candidate;
          pointers[j] = i;
        }
      }
      next[j]! += emission(t, j);
    }
    back.push(pointers);
    score = next;
  }
  if (transitions) for (let j = 0; j < K; j++) score[j]! += transitions.end[j]!;
  let best = 0;
  for (let j = 1; j < K; j++) if (score[j]! > score[best]!) best = j;
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
