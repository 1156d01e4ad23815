import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bioConstraints, bioTags, decodeEntities, FORBIDDEN_TRANSITION } from '../nlu/decode';
import { tokenize } from '../nlu/tokenize';
import { createCrf, crfNegativeLogLikelihood, disposeCrf, exportTransitions } from './crf';
import { seededRandom } from './random';
import { ensureBackend } from './trainer';

const tags = bioTags(['city']); // O, B-city, I-city
const K = tags.length;

/** Every tag sequence of length n. */
function sequences(n: number): number[][] {
  if (n === 0) return [[]];
  return sequences(n - 1).flatMap((rest) => Array.from({ length: K }, (_, tag) => [...rest, tag]));
}

/** The CRF score of one sequence, written out the slow way. */
function score(seq: number[], emissions: number[][], start: number[], end: number[], matrix: number[]): number {
  const constraints = bioConstraints(tags);
  let total = start[seq[0]!]! + constraints.start[seq[0]!]! + emissions[0]![seq[0]!]! + end[seq.at(-1)!]!;
  for (let t = 1; t < seq.length; t++) {
    const pair = seq[t - 1]! * K + seq[t]!;
    total += matrix[pair]! + constraints.matrix[pair]! + emissions[t]![seq[t]!]!;
  }
  return total;
}

describe('entity CRF', () => {
  beforeAll(ensureBackend);

  it('has the log-likelihood of a brute-force enumeration, padding ignored', () => {
    const random = seededRandom(7);
    const crf = createCrf(tags);
    const values = (n: number) => Array.from({ length: n }, () => random() * 2 - 1);
    crf.transitions.assign(tf.tensor2d(values(K * K), [K, K]));
    crf.start.assign(tf.tensor1d(values(K)));
    crf.end.assign(tf.tensor1d(values(K)));
    const { start, end, matrix } = exportTransitions(crf);

    // Two rows of 4 steps: one full, one with 2 real tokens and 2 padded.
    const lengths = [4, 2];
    const emissions = lengths.map(() => Array.from({ length: 4 }, () => values(K)));
    const gold = [
      [1, 2, 0, 1],
      [0, 1, 0, 0],
    ];
    const nll = tf.tidy(() =>
      crfNegativeLogLikelihood(
        crf,
        tf.tensor3d(emissions),
        tf.tensor2d(gold, [2, 4], 'int32'),
        tf.tensor2d(lengths.map((n) => [0, 1, 2, 3].map((t) => (t < n ? 1 : 0))), [2, 4]),
      ).arraySync(),
    );
    lengths.forEach((n, row) => {
      const rowEmissions = emissions[row]!.slice(0, n);
      const all = sequences(n).map((seq) => score(seq, rowEmissions, start, end, matrix));
      const max = Math.max(...all);
      const logPartition = max + Math.log(all.reduce((sum, s) => sum + Math.exp(s - max), 0));
      const expected = logPartition - score(gold[row]!.slice(0, n), rowEmissions, start, end, matrix);
      expect(nll[row]).toBeCloseTo(expected, 3);
    });
    disposeCrf(crf);
  });

  it('learns that I-city follows B-city from a few gradient steps', () => {
    const crf = createCrf(tags);
    const optimizer = tf.train.adam(0.1);
    const emissions = tf.zeros([1, 3, K]) as tf.Tensor3D; // no evidence from the tokens at all
    const gold = tf.tensor2d([[1, 2, 0]], [1, 3], 'int32');
    const mask = tf.ones([1, 3]) as tf.Tensor2D;
    for (let step = 0; step < 30; step++) {
      optimizer.minimize(() => tf.sum(crfNegativeLogLikelihood(crf, emissions, gold, mask)) as tf.Scalar, false, [crf.transitions, crf.start, crf.end]);
    }
    const transitions = exportTransitions(crf);
    const text = 'to new york';
    const found = decodeEntities(new Float32Array(3 * K), tags, tokenize(text), transitions);
    expect(found.map((e) => text.slice(e.start, e.end))).toEqual(['to new']);
    optimizer.dispose();
    disposeCrf(crf);
  });
});

describe('Viterbi with transitions', () => {
  it('finds the best-scoring well-formed sequence (checked against enumeration)', () => {
    const random = seededRandom(11);
    const text = 'fly to new york now';
    const spans = tokenize(text);
    for (let trial = 0; trial < 20; trial++) {
      const values = (n: number) => Array.from({ length: n }, () => random() * 4 - 2);
      const transitions = { start: values(K), end: values(K), matrix: values(K * K) };
      const emissions = spans.map(() => values(K));
      const decoded = decodeEntities(Float32Array.from(emissions.flat()), tags, spans, transitions);
      const best = sequences(spans.length).reduce((a, b) =>
        score(a, emissions, transitions.start, transitions.end, transitions.matrix) >= score(b, emissions, transitions.start, transitions.end, transitions.matrix) ? a : b,
      );
      expect(score(best, emissions, transitions.start, transitions.end, transitions.matrix)).toBeGreaterThan(FORBIDDEN_TRANSITION / 2);
      const expected: Array<[number, number]> = [];
      best.forEach((tag, t) => {
        if (tags[tag] === 'B-city') expected.push([spans[t]!.start, spans[t]!.end]);
        else if (tags[tag] === 'I-city') expected.at(-1)![1] = spans[t]!.end;
      });
      expect(decoded.map((e) => [e.start, e.end])).toEqual(expected);
    }
  });
});
