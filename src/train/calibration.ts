/**
 * What the held-out examples decide after training: the softmax temperature (calibrated confidences),
 * the out-of-scope threshold, and how the bot does on them with both applied.
 */
import { softmax } from '../nlu/decode';
import { trainDefaults } from './defaults';

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** The temperature that minimises validation log-loss (a grid is enough for one scalar). */
export function fitTemperature(logits: readonly Float32Array[], labels: readonly number[], classes: number): number {
  if (logits.length === 0 || classes < 2) return 1;
  let best = { temperature: 1, nll: Number.POSITIVE_INFINITY };
  for (let temperature = 0.25; temperature <= 4; temperature *= 1.1) {
    let nll = 0;
    logits.forEach((row, i) => {
      nll -= Math.log(softmax(row, temperature)[labels[i]!]! + 1e-12);
    });
    if (nll < best.nll) best = { temperature, nll };
  }
  return best.temperature;
}

export interface HeldOutScores {
  inScope: number;
  /** In-scope examples given their intent, with the out-of-scope threshold applied. */
  inScopeRight: number;
  outOfScope: number;
  /** Out-of-scope examples declined, by the out-of-scope class or the threshold. */
  outOfScopeDeclined: number;
  /** Every held-out example and how it was answered, in the split's order (for the report page). */
  answers: HeldOutAnswer[];
  /** The answers that were wrong, the most confident first: what an author should look at. */
  misses: HeldOutAnswer[];
}

export interface HeldOutAnswer {
  text: string;
  intent: string;
  /** The intent the bot gave, or the out-of-scope label when it declined. */
  answered: string;
  confidence: number;
}

/** The rule the runtime applies: the calibrated top intent, or out of scope when that is the top or it is below the threshold. */
function answerOf(top: number, confidence: number, oosIndex: number, threshold: number): number {
  return oosIndex >= 0 && (top === oosIndex || confidence < threshold) ? oosIndex : top;
}

/** The held-out examples as the runtime answers them (answerOf), counted. */
export function scoreHeldOut(
  examples: ReadonlyArray<{ text: string; intent: string }>,
  logits: readonly Float32Array[],
  labels: readonly string[],
  outOfScope: string | null,
  temperature: number,
  threshold: number,
): HeldOutScores {
  const scores: HeldOutScores = { inScope: 0, inScopeRight: 0, outOfScope: 0, outOfScopeDeclined: 0, answers: [], misses: [] };
  const oosIndex = outOfScope === null ? -1 : labels.indexOf(outOfScope);
  examples.forEach(({ text, intent }, i) => {
    const p = softmax(logits[i]!, temperature);
    const top = argmax(p);
    const answered = labels[answerOf(top, p[top]!, oosIndex, threshold)]!;
    const declined = answered === outOfScope;
    if (intent === outOfScope) {
      scores.outOfScope++;
      if (declined) scores.outOfScopeDeclined++;
    } else {
      scores.inScope++;
      if (answered === intent) scores.inScopeRight++;
    }
    const answer = { text, intent, answered, confidence: p[top]! };
    scores.answers.push(answer);
    if (answered !== intent) scores.misses.push(answer);
  });
  scores.misses.sort((a, b) => b.confidence - a.confidence);
  return scores;
}

/**
 * The confidence below which a message is out of scope: on validation, the threshold with the best
 * out-of-scope recall among those that cost at most trainDefaults.outOfScopeInScopeCost of in-scope
 * accuracy (the lowest such threshold on ties); when several of those reach the recall target
 * (trainDefaults.outOfScopeRecallTarget), the one with the best in-scope accuracy.
 */
export function chooseThreshold(logits: readonly Float32Array[], labels: readonly number[], names: readonly string[], outOfScope: string, temperature: number): number {
  const oosIndex = names.indexOf(outOfScope);
  const rows = logits.map((row, i) => {
    const p = softmax(row, temperature);
    const top = argmax(p);
    return { top, confidence: p[top]!, label: labels[i]! };
  });
  const inScope = rows.filter((r) => r.label !== oosIndex);
  const oos = rows.filter((r) => r.label === oosIndex);
  if (inScope.length === 0 || oos.length === 0) return 0;
  const points = [];
  for (let step = 0; step < 100; step++) {
    const threshold = step / 100;
    const predict = (r: (typeof rows)[number]) => answerOf(r.top, r.confidence, oosIndex, threshold);
    points.push({
      threshold,
      inScopeAccuracy: inScope.filter((r) => predict(r) === r.label).length / inScope.length,
      oosRecall: oos.filter((r) => predict(r) === oosIndex).length / oos.length,
    });
  }
  const bestInScope = Math.max(...points.map((p) => p.inScopeAccuracy));
  const affordable = points.filter((p) => p.inScopeAccuracy >= bestInScope - trainDefaults.outOfScopeInScopeCost);
  // Enough out-of-scope messages caught: the point that keeps the most in-scope answers right.
  const enough = affordable.filter((p) => p.oosRecall >= trainDefaults.outOfScopeRecallTarget);
  if (enough.length > 0) return enough.reduce((best, p) => (p.inScopeAccuracy > best.inScopeAccuracy ? p : best)).threshold;
  return affordable.reduce((best, p) => (p.oosRecall > best.oosRecall ? p : best)).threshold;
}
