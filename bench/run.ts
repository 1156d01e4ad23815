/**
 * `npm run bench`: Parley and nlp.js in one process and one run, on CLINC150 and SNIPS from
 * ../shared/datasets; one table, written to bench/results.json. Then the browser figures in headless
 * Chromium (the real worker): desktop (localhost), then the phone profile (bench/phone.ts). Options:
 * --quick (small subsets, to check the harness), --skip-browser, --browser-only (the browser figures
 * alone, written into the results file beside its accuracy rows), --skip-phone, --dataset
 * clinc150|snips, --out <file>.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runEvaluation, type EvalRunReport } from '../src/train/eval-run';
import { evaluatePredictions } from '../src/train/evaluate';
import { readJsonLines, type Example } from '../src/train/examples';
import { percentile } from '../src/train/latency';
import { loadWordVectors } from '../src/train/word-vectors';
import { measureInBrowser, type BrowserFigures } from './browser';
import { runNlpJs } from './nlpjs';
import { formatPhoneTable, measurePhone, type PhoneFigures } from './phone';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'skip-browser': { type: 'boolean', default: false },
    'browser-only': { type: 'boolean', default: false },
    'skip-phone': { type: 'boolean', default: false },
    dataset: { type: 'string', multiple: true },
    out: { type: 'string', default: 'bench/results.json' },
  },
});
const DATASETS_DIR = join('..', 'shared', 'datasets');
const datasets = args.dataset ?? ['clinc150', 'snips'];

interface Row {
  dataset: string;
  system: string;
  intent_accuracy: number;
  in_scope_accuracy?: number;
  oos_recall?: number;
  intent_macro_f1: number;
  entity_micro_f1?: number | null;
  train_seconds: number;
  model_bytes: number;
  parse_ms_p50: number;
  parse_ms_p95: number;
}

function sample(examples: Example[], perIntent: number): Example[] {
  const counts = new Map<string, number>();
  return examples.filter((e) => {
    const n = counts.get(e.intent) ?? 0;
    counts.set(e.intent, n + 1);
    return n < perIntent;
  });
}

async function main() {
  if (args['browser-only']) return browserOnly();
  if (!existsSync(DATASETS_DIR)) throw new Error(`${DATASETS_DIR} not found: the benchmark reads the shared datasets next to the project`);
  const wordVectors = loadWordVectors();
  const rows: Row[] = [];
  const parley: Record<string, Omit<EvalRunReport, 'confidences'>> = {};
  for (const name of datasets) {
    let train = readJsonLines(join(DATASETS_DIR, name, 'train.jsonl'));
    let valid = readJsonLines(join(DATASETS_DIR, name, 'valid.jsonl'));
    let test = readJsonLines(join(DATASETS_DIR, name, 'test.jsonl'));
    if (args.quick) [train, valid, test] = [sample(train, 20), sample(valid, 5), sample(test, 10)];
    const outOfScope = train.some((e) => e.intent === 'oos') ? 'oos' : null;
    console.error(`\n${name}: ${train.length} train, ${valid.length} valid, ${test.length} test examples`);

    const report = await runEvaluation({
      train,
      valid,
      test,
      wordVectors,
      ...(args.quick && { maxEpochs: 2 }),
      onProgress: (p) => {
        if (p.validAccuracy !== undefined) console.error(`  parley epoch ${p.epoch}: loss ${p.loss.toFixed(4)}, valid accuracy ${(p.validAccuracy * 100).toFixed(2)}%, ${p.secondsPerEpoch?.toFixed(0)} s`);
      },
    });
    // The per-example confidences only feed the HTML report's histogram: they would bloat the results.
    parley[name] = omitConfidences(report);
    rows.push({ dataset: name, system: 'Parley (int8 ONNX, onnxruntime-web WASM)', ...pick(report), entity_micro_f1: report.entity_micro_f1 });
    if (report.light) {
      // Trained in the same run, on the same split; it answers while the transformer loads.
      const light = report.light;
      rows.push({
        dataset: name,
        system: 'Parley light stage (int8 linear, plain JS)',
        intent_accuracy: light.intent_accuracy,
        ...(light.in_scope_accuracy !== undefined && { in_scope_accuracy: light.in_scope_accuracy }),
        ...(light.oos_recall !== undefined && { oos_recall: light.oos_recall }),
        intent_macro_f1: light.intent_macro_f1,
        // Rule extractors only: the learned entities come with the transformer.
        entity_micro_f1: test.some((e) => e.entities.length > 0) ? null : undefined,
        train_seconds: light.train_seconds,
        model_bytes: light.bundle_bytes,
        parse_ms_p50: light.parse_ms_p50,
        parse_ms_p95: light.parse_ms_p95,
      });
    }

    console.error(`  nlp.js training...`);
    const nlp = await runNlpJs([...train, ...valid], test, outOfScope);
    const nlpReport = evaluatePredictions(test, nlp.predictions, outOfScope);
    rows.push({
      dataset: name,
      system: 'nlp.js (node-nlp)',
      ...pick(nlpReport),
      // nlp.js learns no entities from examples: it has no slot filling to compare.
      entity_micro_f1: test.some((e) => e.entities.length > 0) ? null : undefined,
      train_seconds: Number(nlp.trainSeconds.toFixed(1)),
      model_bytes: nlp.modelBytes,
      parse_ms_p50: Number(percentile(nlp.latencies, 50).toFixed(3)),
      parse_ms_p95: Number(percentile(nlp.latencies, 95).toFixed(3)),
    });
  }

  const { browser, phone } = args['skip-browser'] ? { browser: { skipped: 'run without --skip-browser' }, phone: { skipped: 'run without --skip-browser' } } : await browserFigures();

  printTable(rows);
  printBrowser(browser, phone);
  const results = { date: new Date().toISOString(), quick: args.quick, machine: `${process.platform} ${process.arch}, node ${process.version}`, rows, browser, phone, parley };
  writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwritten: ${args.out}`);
}

type Skipped = { skipped: string };

/** Desktop (localhost, unthrottled), then the phone profile; both need the built widget and bundle. */
async function browserFigures(): Promise<{ browser: BrowserFigures | Skipped; phone: PhoneFigures | Skipped }> {
  if (!existsSync('dist/parley-nlu-worker.js') || !existsSync('models/acme/bot.json')) {
    const skipped = { skipped: 'dist/ or models/acme/ missing: run npm run build and npm start (or npm test) first' };
    return { browser: skipped, phone: skipped };
  }
  console.error('\nbrowser: desktop...');
  const browser = await measureInBrowser();
  if (args['skip-phone']) return { browser, phone: { skipped: 'run without --skip-phone' } };
  console.error('browser: phone profile...');
  return { browser, phone: await measurePhone({ quick: args.quick }) };
}

function printBrowser(browser: BrowserFigures | Skipped, phone: PhoneFigures | Skipped) {
  console.log('\nIn headless Chromium (demo store page, acme bot, real worker):');
  console.log(JSON.stringify(browser, null, 2));
  console.log('');
  console.log('skipped' in phone ? `Phone profile: skipped (${phone.skipped})` : formatPhoneTable(phone));
}

/** --browser-only: the browser figures alone, put into the results file in place of the old ones. */
async function browserOnly() {
  const { browser, phone } = await browserFigures();
  printBrowser(browser, phone);
  const previous = existsSync(args.out) ? (JSON.parse(readFileSync(args.out, 'utf8')) as Record<string, unknown>) : {};
  const results = { ...previous, browser_date: new Date().toISOString(), browser_quick: args.quick, browser, phone };
  writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwritten: ${args.out} (browser figures; the accuracy rows are those of ${String(previous.date ?? 'no earlier run')})`);
}

function omitConfidences(report: EvalRunReport): Omit<EvalRunReport, 'confidences'> {
  const summary: Partial<EvalRunReport> = { ...report };
  delete summary.confidences;
  return summary as Omit<EvalRunReport, 'confidences'>;
}

function pick(report: Partial<EvalRunReport> & Pick<EvalRunReport, 'intent_accuracy' | 'intent_macro_f1'>) {
  return {
    intent_accuracy: report.intent_accuracy,
    ...(report.in_scope_accuracy !== undefined && { in_scope_accuracy: report.in_scope_accuracy }),
    ...(report.oos_recall !== undefined && { oos_recall: report.oos_recall }),
    intent_macro_f1: report.intent_macro_f1,
    train_seconds: report.train_seconds ?? 0,
    model_bytes: report.model_bytes ?? 0,
    parse_ms_p50: report.parse_ms_p50 ?? 0,
    parse_ms_p95: report.parse_ms_p95 ?? 0,
  };
}

function printTable(rows: Row[]) {
  const pct = (v: number | null | undefined) => (v === undefined ? '' : v === null ? 'n/a' : `${(v * 100).toFixed(2)}%`);
  const header = ['dataset', 'system', 'intent acc', 'in-scope acc', 'oos recall', 'macro F1', 'entity F1', 'train s', 'model MB', 'p50 ms', 'p95 ms'];
  const lines = rows.map((r) => [
    r.dataset,
    r.system,
    pct(r.intent_accuracy),
    pct(r.in_scope_accuracy),
    pct(r.oos_recall),
    pct(r.intent_macro_f1),
    pct(r.entity_micro_f1),
    String(r.train_seconds),
    (r.model_bytes / 1024 / 1024).toFixed(2),
    r.parse_ms_p50.toFixed(2),
    r.parse_ms_p95.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(`\n${format(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${lines.map(format).join('\n')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
