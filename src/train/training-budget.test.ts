import { describe, expect, it } from 'vitest';
import { trainDefaults } from './defaults';
import { trainingBudget } from './trainer';

describe('training budget', () => {
  it('keeps the default epochs and patience for a bot with many steps per epoch', () => {
    expect(trainingBudget({}, 200)).toEqual({ maxEpochs: trainDefaults.maxEpochs, patience: trainDefaults.patience });
  });

  it('stretches both for a small bot, so it trains for minSteps and waits minPatienceSteps', () => {
    const { maxEpochs, patience } = trainingBudget({}, 2);
    expect(maxEpochs * 2).toBeGreaterThanOrEqual(trainDefaults.minSteps);
    expect(patience * 2).toBeGreaterThanOrEqual(trainDefaults.minPatienceSteps);
    expect(maxEpochs).toBe(Math.ceil(trainDefaults.minSteps / 2));
  });

  it('leaves epochs and patience that were set explicitly alone', () => {
    expect(trainingBudget({ maxEpochs: 2, patience: 1 }, 2)).toEqual({ maxEpochs: 2, patience: 1 });
  });
});
