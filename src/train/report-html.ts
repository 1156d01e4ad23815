/**
 * The evaluation pages a person can open (no scripts, no network): `parley eval --report` for a test
 * set, `parley train --report` for the bot's held-out examples.
 */
import type { KnowledgeEvalReport } from './knowledge/evaluate';
import { OUT_OF_SCOPE } from '../nlu/parse';
import type { EvalRunReport } from './eval-run';
import { evaluatePredictions, type EvaluationReport } from './evaluate';
import type { TrainBotSummary } from './train-bot';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const pct = (value: number | undefined) => (value === undefined ? '–' : `${(value * 100).toFixed(2)}%`);
const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

export function renderHtmlReport(title: string, report: EvalRunReport): string {
  const figures: Array<[string, string]> = [
    ['intent accuracy', pct(report.intent_accuracy)],
    ['in-scope accuracy', pct(report.in_scope_accuracy)],
    ['out-of-scope recall', pct(report.oos_recall)],
    ['intent macro F1', pct(report.intent_macro_f1)],
    ['entity micro F1', pct(report.entity_micro_f1)],
    ['train time', `${report.train_seconds} s`],
    ['model size', megabytes(report.model_bytes)],
    ['parse p50 / p95', `${report.parse_ms_p50} / ${report.parse_ms_p95} ms`],
  ];
  return page(title, figures, '', report);
}

/**
 * The held-out examples of `parley train`, answered as the bot answers (threshold applied) by the
 * network trained without them: every miss with its text, then where the intents meet.
 */
export function renderHeldOutReport(title: string, summary: TrainBotSummary): string {
  const { heldOut } = summary;
  const share = (part: number, whole: number) => `${part} of ${whole} (${pct(part / Math.max(whole, 1))})`;
  const figures: Array<[string, string]> = [
    ...(heldOut ? [['held-out in-scope examples answered right', share(heldOut.inScopeRight, heldOut.inScope)] as [string, string]] : []),
    ...(heldOut && heldOut.outOfScope > 0 ? [[`held-out ${OUT_OF_SCOPE} examples declined`, share(heldOut.outOfScopeDeclined, heldOut.outOfScope)] as [string, string]] : []),
    ['intents', String(summary.intents)],
    ['examples', String(summary.examples)],
    ['model size', megabytes(summary.modelBytes)],
    ['train time', `${summary.seconds.toFixed(1)} s`],
  ];
  if (heldOut === null) {
    return page(title, figures, '<p>Too few examples to hold any out, so there is nothing to report: give each intent more examples.</p>', null);
  }
  const evaluation = evaluatePredictions(
    heldOut.answers.map(({ text, intent }) => ({ text, intent, entities: [] })),
    heldOut.answers.map(({ answered, confidence }) => ({ intent: answered, confidence, entities: [] })),
    heldOut.outOfScope > 0 ? OUT_OF_SCOPE : null,
  );
  const misses = heldOut.misses.length === 0
    ? '<p>None.</p>'
    : `<table><tr><th>example</th><th>its intent</th><th>answered</th><th>confidence</th></tr>${heldOut.misses
        .map((m) => `<tr><td>${escape(m.text)}</td><td>${escape(m.intent)}</td><td>${escape(m.answered)}</td><td>${m.confidence.toFixed(2)}</td></tr>`)
        .join('')}</table>`;
  const intro = `<p>A tenth of each intent's examples (and more of ${OUT_OF_SCOPE}) was held out of one training run and answered by it, as the bot answers:
the top intent, or ${OUT_OF_SCOPE} below the confidence threshold. ${summary.refit ? 'The bundle\'s model then trained on every example.' : 'The bundle holds this run\'s model (no final fit).'} A confident miss
usually means two intents share a way of asking (move or reword the example), or an intent needs more varied examples.</p>
<h2>Held-out examples answered wrong, the most confident first</h2>
${misses}`;
  return page(title, figures, intro, evaluation);
}

function page(title: string, figures: Array<[string, string]>, intro: string, evaluation: EvaluationReport | null): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#111827}h1{font-size:22px}h2{font-size:17px;margin-top:28px}
table{border-collapse:collapse}td,th{padding:3px 8px;border-bottom:1px solid #e5e7eb;text-align:left}
.figures td:first-child{color:#4b5563}.matrix td{width:18px;height:18px;padding:0;border:1px solid #fff;text-align:center;font-size:10px}
.matrix th{font-weight:normal;font-size:11px;white-space:nowrap}.matrix th.col{writing-mode:vertical-rl;transform:rotate(180deg);height:140px}
</style></head><body>
<h1>${escape(title)}</h1>
<table class="figures">${figures.map(([k, v]) => `<tr><td>${escape(k)}</td><td><strong>${v}</strong></td></tr>`).join('')}</table>
${intro}
${evaluation ? evaluationSections(evaluation) : ''}
</body></html>
`;
}

function evaluationSections(report: EvaluationReport): string {
  return `${confusionMatrix(report)}
<h2>Confidence of the top intent</h2>
${histogram(report)}
<h2>Most confused pairs</h2>
<table><tr><th>expected</th><th>predicted</th><th>count</th></tr>${report.confusions.map((c) => `<tr><td>${escape(c.expected)}</td><td>${escape(c.predicted)}</td><td>${c.count}</td></tr>`).join('')}</table>
<h2>Per intent</h2>
<table><tr><th>intent</th><th>support</th><th>precision</th><th>recall</th><th>F1</th></tr>
${[...report.per_intent].sort((a, b) => a.f1 - b.f1).map((r) => `<tr><td>${escape(r.intent)}</td><td>${r.support}</td><td>${pct(r.precision)}</td><td>${pct(r.recall)}</td><td>${pct(r.f1)}</td></tr>`).join('')}</table>`;
}

function confusionMatrix(report: EvaluationReport): string {
  const errors = new Map<string, number>();
  for (const c of report.confusions) {
    errors.set(c.expected, (errors.get(c.expected) ?? 0) + c.count);
    errors.set(c.predicted, (errors.get(c.predicted) ?? 0) + c.count);
  }
  const intents = [...errors.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([name]) => name).sort();
  if (intents.length === 0) return '<h2>Confusion matrix</h2><p>No errors.</p>';
  const which = intents.length < 25 ? `the ${intents.length} intents with errors` : 'the 25 intents with the most errors';
  const heading = `<h2>Confusion matrix (${which}; rows: expected, columns: predicted)</h2>`;
  const count = new Map(report.confusions.map((c) => [`${c.expected}\u0000${c.predicted}`, c.count]));
  const max = Math.max(...report.confusions.map((c) => c.count), 1);
  const head = `<tr><th></th>${intents.map((i) => `<th class="col">${escape(i)}</th>`).join('')}</tr>`;
  const rows = intents.map((expected) => {
    const cells = intents.map((predicted) => {
      const n = expected === predicted ? 0 : (count.get(`${expected}\u0000${predicted}`) ?? 0);
      const alpha = n / max;
      return `<td title="${escape(expected)} → ${escape(predicted)}: ${n}" style="background:rgba(220,38,38,${alpha.toFixed(2)})">${n || ''}</td>`;
    });
    return `<tr><th>${escape(expected)}</th>${cells.join('')}</tr>`;
  });
  return `${heading}
<table class="matrix">${head}${rows.join('')}</table>`;
}

function histogram(report: EvaluationReport): string {
  const bins = 20;
  const right = new Array<number>(bins).fill(0);
  const wrong = new Array<number>(bins).fill(0);
  for (const { confidence, correct } of report.confidences) {
    const bin = Math.min(bins - 1, Math.floor(confidence * bins));
    (correct ? right : wrong)[bin]!++;
  }
  const max = Math.max(...right.map((r, i) => r + wrong[i]!), 1);
  const barWidth = 28;
  const height = 160;
  const bars = right
    .map((r, i) => {
      const rh = (r / max) * height;
      const wh = (wrong[i]! / max) * height;
      const x = i * barWidth + 30;
      return `<rect x="${x}" y="${height - rh}" width="${barWidth - 4}" height="${rh}" fill="#16a34a"><title>${(i / bins).toFixed(2)}–${((i + 1) / bins).toFixed(2)}: ${r} right</title></rect>` +
        `<rect x="${x}" y="${height - rh - wh}" width="${barWidth - 4}" height="${wh}" fill="#dc2626"><title>${wrong[i]} wrong</title></rect>`;
    })
    .join('');
  return `<svg width="${bins * barWidth + 40}" height="${height + 30}" role="img" aria-label="Histogram of confidences: green right, red wrong">${bars}
<text x="30" y="${height + 20}" font-size="11">0</text><text x="${bins * barWidth + 10}" y="${height + 20}" font-size="11">1</text></svg>
<p>Green: right; red: wrong.</p>`;
}

/** `parley eval --knowledge --report`: the figures and the queries answered worst, as a page. */
export function renderKnowledgeReport(title: string, report: KnowledgeEvalReport): string {
  const pct = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(1)}%`);
  const figures: Array<[string, string]> = [
    ['articles / passages', `${report.articles} / ${report.passages}`],
    ['queries (answerable)', `${report.queries} (${report.answerable})`],
    ['top-1 accuracy', pct(report.top1_accuracy)],
    ['recall@3', pct(report.recall_at_3)],
    ['MRR', report.mrr.toFixed(3)],
    ['no answer, declined', pct(report.no_answer_declined)],
    ['overall accuracy', pct(report.overall_accuracy)],
    ['parse ms p50 / p95', `${report.parse_ms_p50} / ${report.parse_ms_p95}`],
    ['index bytes (brotli)', `${report.index_bytes} (${report.index_bytes_brotli})`],
  ];
  const worst = `<h2>Worst queries</h2><table><tr><th>query</th><th>best article</th><th>confidence</th><th>expected</th></tr>${report.worst
    .map((w) => `<tr><td>${escape(w.text)}</td><td>${escape(w.got ?? '(none)')}</td><td>${w.confidence.toFixed(2)}</td><td>${escape(w.expected.join(', ') || '(no answer)')}</td></tr>`)
    .join('')}</table>`;
  return page(title, figures, worst, null);
}
