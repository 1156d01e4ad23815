import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { WeightAverage } from './weight-average';

function values(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

describe('WeightAverage', () => {
  it('follows the weights with a warm-up, then averages over its window', () => {
    const w = tf.variable(tf.tensor1d([0, 0]), true, 'avg-test-w');
    const average = new WeightAverage(new Map([['w', w]]), 4);
    // First update: decay min(0.75, 1/10) = 0.1, so the average is almost the new weights.
    w.assign(tf.tensor1d([10, -10]));
    average.update();
    const raw = average.swapIn();
    expect(values(w)[0]).toBeCloseTo(9, 5);
    expect(values(w)[1]).toBeCloseTo(-9, 5);
    average.swapOut(raw);
    expect(values(w)).toEqual([10, -10]);

    // Many steps at a constant value converge to it; a jump then moves the average by 1 - decay.
    for (let i = 0; i < 200; i++) average.update();
    w.assign(tf.tensor1d([14, -10]));
    average.update();
    const raw2 = average.swapIn();
    expect(values(w)[0]).toBeCloseTo(11, 3); // window 4: decay 0.75, 10 * 0.75 + 14 * 0.25
    expect(values(w)[1]).toBeCloseTo(-10, 3);
    average.swapOut(raw2);
    expect(values(w)).toEqual([14, -10]);
    average.dispose();
    w.dispose();
  });

  it('frees every tensor it makes', () => {
    const w = tf.variable(tf.ones([3, 3]), true, 'avg-test-leak');
    const before = tf.memory().numTensors;
    const average = new WeightAverage(new Map([['w', w]]), 10);
    for (let i = 0; i < 5; i++) average.update();
    average.swapOut(average.swapIn());
    average.dispose();
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });
});
