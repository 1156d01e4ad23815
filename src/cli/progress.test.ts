import { describe, expect, it } from 'vitest';
import type { TrainProgress } from '../train/trainer';
import { createProgressPrinter } from './progress';

function captured() {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (text: string) => lines.push(text) } as unknown as NodeJS.WriteStream;
  return { lines, print: createProgressPrinter(stream) };
}

const step = (p: Partial<TrainProgress>): TrainProgress => ({ stage: 'train', epoch: 1, maxEpochs: 3, step: 1, stepsPerEpoch: 10, loss: 1, ...p });

describe('training progress in a log (not a terminal)', () => {
  it('writes one line per finished epoch, with the validation accuracy', () => {
    const { lines, print } = captured();
    print(step({ step: 1 }));
    print(step({ step: 10, validAccuracy: 0.875, secondsPerEpoch: 2 }));
    print(step({ epoch: 2, step: 10, validAccuracy: 0.9, secondsPerEpoch: 2, finalFit: 'after' }));
    print(step({ epoch: 3, step: 10, validAccuracy: 0.9, secondsPerEpoch: 2, finalFit: 'alongside' }));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^epoch 1\/3 \[#{20}\] step 10\/10 {2}loss 1\.0000 {2}valid acc 87\.50% {2}at most ~.* left\n$/);
    // The estimate covers this stage only, and says so when the final fit comes after it.
    expect(lines[1]).toMatch(/^epoch 2\/3 .* left, then the final fit\n$/);
    expect(lines[2]).toMatch(/^epoch 3\/3 .* left \(the final fit trains alongside\)\n$/);
  });

  it('names the final fit on all examples, whose epochs have no validation accuracy', () => {
    const { lines, print } = captured();
    print(step({ stage: 'refit', epoch: 2, maxEpochs: 2, step: 10, secondsPerEpoch: 1 }));
    expect(lines).toEqual([expect.stringMatching(/^final fit on all examples, epoch 2\/2 .* loss 1\.0000 {2}at most/)]);
    expect(lines[0]).not.toContain('valid acc');
  });

  it('estimates the time left of a stage first seen half-way (a final fit that trained alongside)', () => {
    const { lines, print } = captured();
    print(step({ stage: 'refit', epoch: 6, maxEpochs: 11, step: 10, secondsPerEpoch: 2 }));
    expect(lines[0]).toContain('at most ~10 s left');
  });
});
