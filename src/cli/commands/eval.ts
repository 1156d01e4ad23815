/** `parley eval`: train on a JSON Lines data set, test on another, print and write the figures. */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ONE_THREAD_HELP, wholeNumber } from '../options';
import { fileProblem } from '../output-paths';
import type { EvalRunReport } from '../../train/eval-run';
import { createProgressPrinter } from '../progress';
import { loadTrainer } from '../trainer-modules';

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('train on a JSON Lines data set ({"text","intent","entities"} per line) and evaluate on a test set; or, with --knowledge, evaluate answers from FAQ entries')
    .option('--train <file>', 'training examples (.jsonl)')
    .option('--test <file>', 'test examples (.jsonl)')
    .option('--knowledge <file>', 'FAQ entries ({"id","question","answer"} per line), indexed as help articles')
    .option('--queries <file>', 'with --knowledge: labelled queries ({"text","faq_ids"}; faq_ids [] = no entry answers it)')
    .option('--train-queries <file>', 'with --knowledge: reviewed queries the index may learn from')
    .option('--valid <file>', 'validation examples (.jsonl); without it, a stratified 10% of --train')
    .option('--out <file>', 'write the report as JSON')
    .option('--report <file>', 'write the report as an HTML page (confusion heat map, confidence histogram)')
    .option('--epochs <n>', 'most epochs to train', wholeNumber(1))
    .option('--seed <n>', 'random seed', wholeNumber(0))
    .option('--no-refit', 'without --valid: keep the network trained without the validation split (by default a final fit trains on all of --train)')
    .option('--one-thread', ONE_THREAD_HELP)
    .action(async (options: EvalOptions) => {
      if (options.knowledge || options.queries) return evalKnowledge(options);
      if (!options.train || !options.test) {
        console.error('parley eval needs --train and --test (intents), or --knowledge and --queries (help articles)');
        process.exitCode = 1;
        return;
      }
      const { runEvaluation, readJsonLines, renderHtmlReport, loadWordVectors, DataFileError } = await loadTrainer();
      let train, test, valid;
      try {
        train = readJsonLines(options.train);
        test = readJsonLines(options.test);
        valid = options.valid ? readJsonLines(options.valid) : undefined;
      } catch (error) {
        if (!(error instanceof DataFileError)) throw error;
        console.error(`The data set has a problem:\n${error.message}`);
        process.exitCode = 1;
        return;
      }
      const outputProblem = [options.out, options.report].map((file) => file && fileProblem(file)).find(Boolean);
      if (outputProblem) {
        console.error(`Nothing was trained: ${outputProblem}`);
        process.exitCode = 1;
        return;
      }
      console.error(`${train.length} training and ${test.length} test examples; loading word vectors...`);
      const report = await runEvaluation({
        train,
        test,
        ...(valid && { valid }),
        wordVectors: loadWordVectors(),
        ...(options.epochs !== undefined && { maxEpochs: options.epochs }),
        ...(options.seed !== undefined && { seed: options.seed }),
        refit: options.refit,
        ...(options.oneThread && { finalFitAlongside: false }),
        onProgress: createProgressPrinter(),
      });
      printReport(report);
      if (options.out) writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
      if (options.report) writeFileSync(options.report, renderHtmlReport(`Parley evaluation: ${options.test}`, report));
    });
}

interface EvalOptions {
  train?: string;
  test?: string;
  knowledge?: string;
  queries?: string;
  trainQueries?: string;
  valid?: string;
  out?: string;
  report?: string;
  epochs?: number;
  seed?: number;
  refit: boolean;
  oneThread?: boolean;
}

async function evalKnowledge(options: EvalOptions): Promise<void> {
  if (!options.knowledge || !options.queries) {
    console.error('parley eval --knowledge needs both --knowledge <faq.jsonl> and --queries <queries.jsonl>');
    process.exitCode = 1;
    return;
  }
  const outputProblem = [options.out, options.report].map((file) => file && fileProblem(file)).find(Boolean);
  if (outputProblem) {
    console.error(`Nothing was evaluated: ${outputProblem}`);
    process.exitCode = 1;
    return;
  }
  const { runKnowledgeEvaluation, readFaqFile, loadWordVectors, DataFileError, renderKnowledgeReport } = await loadTrainer();
  type Faq = Parameters<typeof runKnowledgeEvaluation>[0]['faq'][number];
  type Query = Parameters<typeof runKnowledgeEvaluation>[0]['queries'][number];
  let faq: Faq[], queries: Query[], trainQueries: Query[] | undefined;
  try {
    faq = readFaqFile<Faq>(options.knowledge, 'faq');
    queries = readFaqFile<Query>(options.queries, 'queries');
    trainQueries = options.trainQueries ? readFaqFile<Query>(options.trainQueries, 'queries') : undefined;
  } catch (error) {
    if (!(error instanceof DataFileError)) throw error;
    console.error(`The data set has a problem:\n${error.message}`);
    process.exitCode = 1;
    return;
  }
  console.error(`${faq.length} FAQ entries, ${queries.length} queries${trainQueries ? `, ${trainQueries.length} to learn from` : ''}; loading word vectors...`);
  const report = runKnowledgeEvaluation({ faq, queries, ...(trainQueries && { trainQueries }), wordVectors: loadWordVectors(), ...(options.seed !== undefined && { seed: options.seed }) });
  const { worst, ...figures } = report;
  for (const [key, value] of Object.entries(figures)) console.log(`${key.padEnd(20)} ${typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}`);
  console.log(`worst (${worst.length}):`);
  for (const row of worst.slice(0, 10)) console.log(`  ${JSON.stringify(row.text)} -> ${row.got ?? '(none)'} ${row.confidence.toFixed(2)}, expected ${row.expected.join(', ') || '(no answer)'}`);
  if (options.out) writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
  if (options.report) writeFileSync(options.report, renderKnowledgeReport(`Parley knowledge evaluation: ${options.queries}`, report));
}

export function printReport(report: EvalRunReport): void {
  const pct = (value: number | undefined) => (value === undefined ? '–' : `${(value * 100).toFixed(2)}%`);
  const rows: Array<[string, string]> = [
    ['intent_accuracy', pct(report.intent_accuracy)],
    ['in_scope_accuracy', pct(report.in_scope_accuracy)],
    ['oos_recall', pct(report.oos_recall)],
    ['intent_macro_f1', pct(report.intent_macro_f1)],
    ['entity_micro_f1', pct(report.entity_micro_f1)],
    ['train_seconds', String(report.train_seconds)],
    ['model_bytes', String(report.model_bytes)],
    ['parse_ms_p50', String(report.parse_ms_p50)],
    ['parse_ms_p95', String(report.parse_ms_p95)],
  ];
  const light = report.light;
  if (light) {
    // The stage that answers while the transformer loads, on the same test set.
    rows.push(
      ['light_intent_accuracy', pct(light.intent_accuracy)],
      ['light_in_scope_acc', pct(light.in_scope_accuracy)],
      ['light_oos_recall', pct(light.oos_recall)],
      ['light_bytes', String(light.bundle_bytes)],
      ['light_parse_ms_p50', String(light.parse_ms_p50)],
    );
  }
  console.log(rows.map(([k, v]) => `${k.padEnd(22)} ${v}`).join('\n'));
  const worst = [...report.per_intent].sort((a, b) => a.f1 - b.f1).slice(0, 5);
  console.log(`\nweakest intents:\n${worst.map((r) => `  ${r.intent.padEnd(28)} F1 ${pct(r.f1)}  (support ${r.support})`).join('\n')}`);
  console.log(`most confused:\n${report.confusions.slice(0, 5).map((c) => `  ${c.expected} -> ${c.predicted}: ${c.count}`).join('\n') || '  none'}`);
}
