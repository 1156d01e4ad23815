import { describe, expect, it } from 'vitest';
import type { HeldOutAnswer } from '../train/calibration';
import { describeHeldOut } from './train-summary';

const miss = (i: number, confidence: number): HeldOutAnswer => ({ text: `refund ${i}`, intent: 'refund_request', answered: 'cancel', confidence });

describe("parley train's held-out lines", () => {
  it('gives the in-scope accuracy as the bot will answer, the out-of-scope examples declined, and the confident misses', () => {
    const lines = describeHeldOut({ inScope: 88, inScopeRight: 77, outOfScope: 30, outOfScopeDeclined: 17, answers: [], misses: [miss(1, 0.91), miss(2, 0.5)] });
    expect(lines).toEqual([
      'valid accuracy     87.50% of 88 held-out examples (a tenth of each intent)',
      'out of scope       17 of 30 held-out out_of_scope examples declined (56.67%)',
      'held-out misses    2: "example"  its intent -> the answer (confidence)',
      '  "refund 1"  refund_request -> cancel (0.91)',
      '  "refund 2"  refund_request -> cancel (0.50)',
    ]);
  });

  it('shows the ten most confident misses, clips long examples, and leaves out what a bot without out_of_scope lacks', () => {
    const misses = Array.from({ length: 14 }, (_, i) => miss(i, 0.9 - i / 100));
    misses[0] = { ...misses[0]!, text: 'x'.repeat(100) };
    const lines = describeHeldOut({ inScope: 40, inScopeRight: 26, outOfScope: 0, outOfScopeDeclined: 0, answers: [], misses });
    expect(lines[1]).toBe('held-out misses    14 (the 10 most confident): "example"  its intent -> the answer (confidence)');
    expect(lines).toHaveLength(12);
    expect(lines[2]).toBe(`  "${'x'.repeat(59)}…"  refund_request -> cancel (0.90)`);
    expect(lines.some((line) => line.startsWith('out of scope'))).toBe(false);
  });

  it('says why there is no figure when nothing could be held out', () => {
    expect(describeHeldOut(null)).toEqual([expect.stringMatching(/^valid accuracy {5}– \(too few examples to hold any out: give each intent \d+ or more\)$/)]);
  });
});
