import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchMatMul, dense, gatherRows, sumOfRows } from './ops';

// The reference gradients come from TF.js's built-in ops on the CPU backend.
let previous: string;
beforeAll(async () => {
  previous = tf.getBackend();
  await tf.setBackend('cpu');
});
afterAll(async () => {
  if (previous) await tf.setBackend(previous);
});

function maxAbsDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
}

describe('ops with hand-written gradients match the built-in ones', () => {
  it('gatherRows (duplicate ids accumulate)', () => {
    const table = tf.randomNormal([6, 4], 0, 1, 'float32', 1);
    const ids = tf.tensor2d([[1, 2, 1], [0, 5, 1]], [2, 3], 'int32');
    const weights = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 2);
    expect(maxAbsDifference(gatherRows(table as tf.Tensor2D, ids), tf.gather(table, ids))).toBe(0);
    const ours = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gatherRows(t as tf.Tensor2D, ids), weights)))(table);
    const builtIn = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), weights)))(table);
    expect(maxAbsDifference(ours, builtIn)).toBeLessThan(1e-5);
  });

  it('sumOfRows (values and gradient of gather-then-sum over the last id axis)', () => {
    const table = tf.randomNormal([7, 4], 0, 1, 'float32', 7);
    const ids = tf.tensor3d([[[1, 2, 1], [0, 6, 6]], [[3, 0, 0], [5, 4, 2]]], [2, 2, 3], 'int32');
    const weights = tf.randomNormal([2, 2, 4], 0, 1, 'float32', 8);
    const reference = (t: tf.Tensor) => tf.sum(tf.gather(t, ids), 2);
    expect(sumOfRows(table as tf.Tensor2D, ids).shape).toEqual([2, 2, 4]);
    expect(maxAbsDifference(sumOfRows(table as tf.Tensor2D, ids), reference(table))).toBeLessThan(1e-6);
    const ours = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(sumOfRows(t as tf.Tensor2D, ids), weights)))(table);
    const builtIn = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(reference(t), weights)))(table);
    expect(maxAbsDifference(ours, builtIn)).toBeLessThan(1e-5);
  });

  it('an id outside the table is an error, not a silent zero row', () => {
    const table = tf.zeros([3, 2]) as tf.Tensor2D;
    expect(() => gatherRows(table, tf.tensor1d([0, 3], 'int32'))).toThrow(/row 3 is outside a table of 3 rows/);
  });

  it('dense on a 3-D input', () => {
    const x = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 3);
    const w = tf.randomNormal([4, 5], 0, 1, 'float32', 4);
    const loss = (f: (a: tf.Tensor, b: tf.Tensor2D) => tf.Tensor) => (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(f(a, b as tf.Tensor2D)));
    const [dxOurs, dwOurs] = tf.grads(loss(dense))([x, w]);
    const [dxRef, dwRef] = tf.grads(loss((a, b) => tf.reshape(tf.matMul(tf.reshape(a, [-1, 4]), b), [2, 3, 5])))([x, w]);
    expect(maxAbsDifference(dxOurs!, dxRef!)).toBeLessThan(1e-4);
    expect(maxAbsDifference(dwOurs!, dwRef!)).toBeLessThan(1e-4);
  });

  it('batchMatMul on 4-D inputs', () => {
    const a = tf.randomNormal([2, 3, 4, 5], 0, 1, 'float32', 5);
    const b = tf.randomNormal([2, 3, 5, 4], 0, 1, 'float32', 6);
    const [daOurs, dbOurs] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(batchMatMul(x, y))))([a, b]);
    const [daRef, dbRef] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x as tf.Tensor4D, y as tf.Tensor4D))))([a, b]);
    expect(maxAbsDifference(daOurs!, daRef!)).toBeLessThan(1e-4);
    expect(maxAbsDifference(dbOurs!, dbRef!)).toBeLessThan(1e-4);
  });
});
