import { describe, expect, it } from 'vitest';
import { EarlyStopping } from './early-stopping';

function run(scores: number[], patience: number, tolerance: number) {
  const stopping = new EarlyStopping(patience, tolerance);
  const kept: number[] = [];
  let epochs = 0;
  for (const [i, score] of scores.entries()) {
    epochs++;
    if (stopping.observe(score)) kept.push(i + 1);
    if (stopping.shouldStop) break;
  }
  return { kept, epochs };
}

describe('early stopping', () => {
  it('keeps later epochs within the tolerance of the best, measured from the best itself', () => {
    // 0.946 is within 0.005 of 0.95 (the best), though below 0.948 (the last kept); 0.944 is not.
    expect(run([0.9, 0.95, 0.948, 0.946, 0.944, 0.96], 10, 0.005).kept).toEqual([1, 2, 3, 4, 6]);
  });

  it('counts patience from the last strict improvement, so a plateau within the tolerance stops', () => {
    expect(run([0.9, 0.95, 0.949, 0.95, 0.948, 0.99], 3, 0.005)).toEqual({ kept: [1, 2, 3, 4, 5], epochs: 5 });
  });

  it('without a tolerance keeps only the best and ties', () => {
    expect(run([0.9, 0.95, 0.949, 0.95, 0.97], 10, 0).kept).toEqual([1, 2, 4, 5]);
  });
});
