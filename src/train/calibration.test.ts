import { describe, expect, it } from 'vitest';
import { chooseThreshold, scoreHeldOut } from './calibration';

/** Logits whose softmax gives `confidence` to class `top` (of 3) and splits the rest. */
function logitsFor(top: number, confidence: number): Float32Array {
  const rest = (1 - confidence) / 2;
  return Float32Array.from([0, 1, 2].map((i) => Math.log(i === top ? confidence : rest)));
}

describe('out-of-scope threshold', () => {
  const labels = ['billing', 'oos', 'shipping'];

  it('catches low-confidence out-of-scope messages without costing more than 1% of in-scope answers', () => {
    // 100 in-scope answers, confident (0.9) except five unsure right ones (0.5); 10 out-of-scope
    // messages the model wrongly calls billing with 0.45 to 0.54.
    const rows: Array<[Float32Array, number]> = [];
    for (let i = 0; i < 95; i++) rows.push([logitsFor(i % 2 === 0 ? 0 : 2, 0.9), i % 2 === 0 ? 0 : 2]);
    for (let i = 0; i < 5; i++) rows.push([logitsFor(0, 0.5), 0]);
    for (let i = 0; i < 10; i++) rows.push([logitsFor(0, 0.45 + i / 100), 1]);
    const threshold = chooseThreshold(rows.map((r) => r[0]), rows.map((r) => r[1]), labels, 'oos', 1);
    // Below 0.5 every in-scope answer survives; at 0.5 the five unsure ones (5%) would be lost. So the
    // highest affordable step, 0.49, which catches the out-of-scope messages under it.
    expect(threshold).toBe(0.49);
  });

  it('once enough out-of-scope messages are caught, keeps the most in-scope answers right', () => {
    // 100 in-scope answers: 99 confident, one right answer at 0.45. 10 out-of-scope messages: seven
    // at 0.4 and three at 0.5. Threshold 0.41 catches 70% and costs nothing; 0.51 would catch all
    // but lose the 0.45 answer (1%, affordable): recall beyond the target is not worth an answer.
    const rows: Array<[Float32Array, number]> = [];
    for (let i = 0; i < 99; i++) rows.push([logitsFor(0, 0.9), 0]);
    rows.push([logitsFor(2, 0.45), 2]);
    for (let i = 0; i < 7; i++) rows.push([logitsFor(0, 0.4), 1]);
    for (let i = 0; i < 3; i++) rows.push([logitsFor(0, 0.5), 1]);
    const threshold = chooseThreshold(rows.map((r) => r[0]), rows.map((r) => r[1]), labels, 'oos', 1);
    expect(threshold).toBeGreaterThan(0.4);
    expect(threshold).toBeLessThanOrEqual(0.45);
  });

  it('is 0 when the validation split has no out-of-scope examples', () => {
    expect(chooseThreshold([logitsFor(0, 0.9)], [0], labels, 'oos', 1)).toBe(0);
  });

  it('counts the held-out examples as the runtime answers them, and lists the misses, the most confident first', () => {
    const rows: Array<[Float32Array, string]> = [
      [logitsFor(0, 0.9), 'billing'], // right
      [logitsFor(0, 0.45), 'billing'], // right intent, under the threshold: declined, so a miss
      [logitsFor(0, 0.8), 'shipping'], // wrong intent
      [logitsFor(1, 0.9), 'shipping'], // in scope, but the out-of-scope class wins: declined
      [logitsFor(0, 0.45), 'oos'], // out of scope, under the threshold: declined
      [logitsFor(2, 0.7), 'oos'], // out of scope, answered
    ];
    const examples = rows.map(([, intent], i) => ({ text: `message ${i}`, intent }));
    const scores = scoreHeldOut(examples, rows.map((r) => r[0]), labels, 'oos', 1, 0.5);
    expect(scores).toMatchObject({ inScope: 4, inScopeRight: 1, outOfScope: 2, outOfScopeDeclined: 1 });
    expect(scores.misses.map((m) => [m.text, m.intent, m.answered])).toEqual([
      ['message 3', 'shipping', 'oos'],
      ['message 2', 'shipping', 'billing'],
      ['message 5', 'oos', 'shipping'],
      ['message 1', 'billing', 'oos'],
    ]);
    expect(scores.misses[0]!.confidence).toBeCloseTo(0.9, 5);
    expect(scores.answers.map((a) => a.answered)).toEqual(['billing', 'oos', 'billing', 'oos', 'oos', 'shipping']);
  });

  it('declines nothing without an out-of-scope class', () => {
    const scores = scoreHeldOut([{ text: 'hi', intent: 'billing' }], [logitsFor(0, 0.45)], labels, null, 1, 0);
    expect(scores).toEqual({ inScope: 1, inScopeRight: 1, outOfScope: 0, outOfScopeDeclined: 0, answers: [{ text: 'hi', intent: 'billing', answered: 'billing', confidence: expect.closeTo(0.45, 5) }], misses: [] });
  });
});
