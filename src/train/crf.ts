/**
 * The entity head's linear-chain CRF: learned scores for tag-to-tag transitions (and for starting and
 * ending a message on a tag), trained with the log-likelihood of the gold tag sequence. Per-token
 * softmax judges each token alone; the transitions learn what a whole span looks like, which is where
 * per-token tagging loses most of its F1 (boundaries and type switches inside a span).
 */
import * as tf from '@tensorflow/tfjs';
import { bioConstraints, type TagTransitions } from '../nlu/decode';
import { dense } from './ops';

/** Keeps log() finite when every path into a tag is forbidden. */
const TINY = 1e-30;

export interface Crf {
  transitions: tf.Variable;
  start: tf.Variable;
  end: tf.Variable;
  /** BIO constraints: ill-formed sequences count neither in the gold score nor in the partition. */
  forbidden: { start: tf.Tensor1D; matrix: tf.Tensor2D };
}

export function createCrf(tags: readonly string[]): Crf {
  const K = tags.length;
  const constraints = bioConstraints(tags);
  // tidy releases the zero tensors the variables are made from (a variable holds its own reference).
  const zeros = (name: string, shape: number[]) => tf.tidy(() => tf.variable(tf.zeros(shape), true, name));
  return {
    transitions: zeros('crf.transitions', [K, K]),
    start: zeros('crf.start', [K]),
    end: zeros('crf.end', [K]),
    forbidden: { start: tf.tensor1d(constraints.start), matrix: tf.tensor2d(constraints.matrix, [K, K]) },
  };
}

export function disposeCrf(crf: Crf): void {
  for (const tensor of [crf.transitions, crf.start, crf.end, crf.forbidden.start, crf.forbidden.matrix]) tensor.dispose();
}

/**
 * Negative log-likelihood of each gold sequence, [B]. `emissions` [B, T, K] are the tag scores,
 * `tags` [B, T] the gold tags and `mask` [B, T] is 1 on real tokens (always a prefix of the row).
 */
export function crfNegativeLogLikelihood(crf: Crf, emissions: tf.Tensor3D, tags: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor1D {
  const [batch, steps, K] = emissions.shape;
  const start = tf.add(crf.start, crf.forbidden.start);
  const transitions = tf.add(crf.transitions, crf.forbidden.matrix);
  const gold = tf.oneHot(tags, K).toFloat() as tf.Tensor3D; // [B, T, K]

  // Gold score: emissions of the gold tags, transitions between consecutive gold tags, start and end.
  const mask3 = tf.expandDims(mask, 2);
  let goldScore = tf.sum(tf.mul(tf.mul(emissions, gold), mask3), [1, 2]);
  goldScore = tf.add(goldScore, tf.sum(tf.mul(tf.slice(gold, [0, 0, 0], [batch, 1, K]), start), [1, 2]));
  if (steps > 1) {
    const previous = tf.slice(gold, [0, 0, 0], [batch, steps - 1, K]);
    const next = tf.slice(gold, [0, 1, 0], [batch, steps - 1, K]);
    const pairScores = tf.sum(tf.mul(dense(previous, transitions as tf.Tensor2D), next), 2); // [B, T-1]
    goldScore = tf.add(goldScore, tf.sum(tf.mul(pairScores, tf.slice(mask, [0, 1], [batch, steps - 1])), 1));
  }
  // The last real token is where the mask drops from 1 to 0.
  const afterMask = tf.concat([tf.slice(mask, [0, 1], [batch, steps - 1]), tf.zeros([batch, 1])], 1);
  const isLast = tf.expandDims(tf.sub(mask, afterMask), 2);
  goldScore = tf.add(goldScore, tf.sum(tf.mul(tf.mul(gold, isLast), crf.end), [1, 2]));

  // Partition function by the forward algorithm, in scaled probability space: one [B, K] x [K, K]
  // matMul per step instead of a log-sum-exp over [B, K, K] (several times faster on WASM). The
  // shift by each row's max keeps exp() in range and cancels out exactly, gradient included.
  const expTransitions = tf.exp(transitions) as tf.Tensor2D; // forbidden pairs become exactly 0
  let alpha = tf.add(tf.squeeze(tf.slice(emissions, [0, 0, 0], [batch, 1, K]), [1]), start) as tf.Tensor2D; // [B, K]
  for (let t = 1; t < steps; t++) {
    const shift = tf.max(alpha, 1, true);
    const reached = dense(tf.exp(tf.sub(alpha, shift)), expTransitions); // [B, K]: sum over previous tags
    const stepEmission = tf.squeeze(tf.slice(emissions, [0, t, 0], [batch, 1, K]), [1]);
    const next = tf.add(tf.add(tf.log(tf.add(reached, TINY)), shift), stepEmission);
    const live = tf.slice(mask, [0, t], [batch, 1]);
    alpha = tf.add(tf.mul(next, live), tf.mul(alpha, tf.sub(1, live))) as tf.Tensor2D;
  }
  const logPartition = tf.logSumExp(tf.add(alpha, crf.end), 1);
  return tf.sub(logPartition, goldScore) as tf.Tensor1D;
}

/** The learned scores as plain numbers for the bundle (the BIO constraints are re-derived at run time). */
export function exportTransitions(crf: Crf): TagTransitions {
  const round = (values: ArrayLike<number>) => Array.from(values, (x) => Math.round(x * 1e4) / 1e4);
  return { start: round(crf.start.dataSync()), end: round(crf.end.dataSync()), matrix: round(crf.transitions.dataSync()) };
}
