import { describe, expect, it } from 'vitest';
import type { HeldOutAnswer } from './calibration';
import type { EvalRunReport } from './eval-run';
import { evaluatePredictions } from './evaluate';
import { renderHeldOutReport, renderHtmlReport } from './report-html';
import type { TrainBotSummary } from './train-bot';

const answer = (text: string, intent: string, answered: string, confidence: number): HeldOutAnswer => ({ text, intent, answered, confidence });

function summaryWith(answers: HeldOutAnswer[]): TrainBotSummary {
  const misses = answers.filter((a) => a.answered !== a.intent).sort((a, b) => b.confidence - a.confidence);
  const inScope = answers.filter((a) => a.intent !== 'out_of_scope');
  const outOfScope = answers.filter((a) => a.intent === 'out_of_scope');
  return {
    name: 'Acme',
    intents: 3,
    examples: 60,
    light: { heldOut: null, tableBytes: 1000 },
    heldOut: {
      inScope: inScope.length,
      inScopeRight: inScope.filter((a) => a.answered === a.intent).length,
      outOfScope: outOfScope.length,
      outOfScopeDeclined: outOfScope.filter((a) => a.answered === 'out_of_scope').length,
      answers,
      misses,
    },
    refit: null,
    modelBytes: 2 * 1024 * 1024,
    seconds: 12.34,
    dir: 'models/acme',
  };
}

describe('the held-out report page', () => {
  const page = renderHeldOutReport(
    'Acme <held out>',
    summaryWith([
      answer('where is my order', 'order_status', 'order_status', 0.95),
      answer('<img src=x onerror=alert(1)> parcel?', 'order_status', 'shipping_cost', 0.81),
      answer('how much is delivery', 'shipping_cost', 'shipping_cost', 0.9),
      answer('track it', 'order_status', 'out_of_scope', 0.3),
      answer('tell me a joke', 'out_of_scope', 'out_of_scope', 0.6),
      answer('what is the weather', 'out_of_scope', 'shipping_cost', 0.55),
    ]),
  );

  it('gives the held-out figures as the bot answers', () => {
    expect(page).toContain('<td>held-out in-scope examples answered right</td><td><strong>2 of 4 (50.00%)</strong></td>');
    expect(page).toContain('<td>held-out out_of_scope examples declined</td><td><strong>1 of 2 (50.00%)</strong></td>');
    expect(page).toContain('<td>model size</td><td><strong>2.00 MB</strong></td>');
    expect(page).toContain("The bundle holds this run's model (no final fit).");
  });

  it('lists every miss with its text, the most confident first, escaped', () => {
    const rows = [...page.matchAll(/<tr><td>([^<]*)<\/td><td>([a-z_]+)<\/td><td>([a-z_]+)<\/td><td>(0\.\d\d)<\/td><\/tr>/g)].map((m) => m.slice(1));
    expect(rows).toEqual([
      ['&#60;img src=x onerror=alert(1)&#62; parcel?', 'order_status', 'shipping_cost', '0.81'],
      ['what is the weather', 'out_of_scope', 'shipping_cost', '0.55'],
      ['track it', 'order_status', 'out_of_scope', '0.30'],
    ]);
    expect(page).not.toContain('<img');
    expect(page).toContain('<title>Acme &#60;held out&#62;</title>');
  });

  it('shows where the intents meet: the confusion matrix and the confused pairs', () => {
    expect(page).toContain('<h2>Confusion matrix (the 3 intents with errors; rows: expected, columns: predicted)</h2>');
    expect(page).toContain('title="order_status → shipping_cost: 1"');
    expect(page).toContain('<tr><td>order_status</td><td>out_of_scope</td><td>1</td></tr>');
    // Per intent, the weakest first: order_status was right once in three.
    expect(page).toMatch(/<tr><th>intent<\/th>.*<\/tr>\s*<tr><td>order_status<\/td><td>3<\/td><td>100\.00%<\/td><td>33\.33%<\/td>/);
  });

  it('says why there is nothing to show when nothing was held out', () => {
    const none = renderHeldOutReport('Tiny', { ...summaryWith([]), heldOut: null });
    expect(none).toContain('Too few examples to hold any out');
    expect(none).not.toContain('Confusion matrix');
  });
});

describe('the evaluation report page', () => {
  it('gives the figures and the confusions of a test set', () => {
    const examples = [
      { text: 'a', intent: 'greet', entities: [] },
      { text: 'b', intent: 'bye&co', entities: [] },
    ];
    const evaluation = evaluatePredictions(examples, [{ intent: 'greet', confidence: 0.9, entities: [] }, { intent: 'greet', confidence: 0.6, entities: [] }], null);
    const report: EvalRunReport = {
      ...evaluation,
      light: null,
      train_seconds: 3.5,
      model_bytes: 1024 * 1024,
      bundle_bytes: 1024 * 1024,
      parse_ms_p50: 1.1,
      parse_ms_p95: 2.2,
      threshold: 0,
      temperature: 1,
      epochs: 3,
      refit_epochs: null,
      runtime: 'web-wasm',
    };
    const page = renderHtmlReport('Test set', report);
    expect(page).toContain('<td>intent accuracy</td><td><strong>50.00%</strong></td>');
    expect(page).toContain('<td>parse p50 / p95</td><td><strong>1.1 / 2.2 ms</strong></td>');
    expect(page).toContain('<tr><td>bye&#38;co</td><td>greet</td><td>1</td></tr>');
  });
});
