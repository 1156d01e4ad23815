/** `parley test <bot>`: runs the bot's conversation tests and prints a pass/fail summary with diffs. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { formatProblem } from '../../bot/definition';
import { readStories, runStory, type Stories, type StoryResult } from '../../dialogue/stories';
import type { Stage } from '../../nlu/parse';
import { DefinitionError } from '../../train/definition-files';
import { BundleError, loadBotRuntime, type BotRuntime } from '../bot-runtime';
import { wholeNumberList } from '../options';
import { createProgressPrinter } from '../progress';
import { loadTrainer } from '../trainer-modules';

/** `bots/acme.yaml` -> `bots/acme.tests.yaml`; a folder -> `<folder>/tests.yaml`. */
export function defaultStoriesFile(bot: string): string {
  return /\.(ya?ml|json)$/i.test(bot) ? bot.replace(/\.(ya?ml|json)$/i, '.tests.yaml') : `${bot.replace(/\/$/, '')}/tests.yaml`;
}

const countLine = (results: readonly StoryResult[]) => {
  const failed = results.filter((r) => !r.passed).length;
  return `${results.length - failed} passed, ${failed} failed (${results.length} stories)`;
};

export function formatResults(results: readonly StoryResult[]): string {
  const lines: string[] = [];
  for (const result of results) lines.push(`${result.passed ? '  ✓' : '  ✗'} ${result.name}`);
  for (const result of results.filter((r) => !r.passed)) {
    lines.push('', `✗ ${result.name}, step ${result.failure!.step}`, `  - expected: ${result.failure!.expected}`, `  + actual:   ${result.failure!.actual}`, '  conversation:', ...result.transcript.map((line) => `    ${line}`));
  }
  // Passing on a borderline reading: the next training (a new example, another seed) may flip it.
  const closeCalls = results.filter((r) => r.passed).flatMap((r) => r.closeCalls.map((call) => ({ story: r.name, ...call })));
  if (closeCalls.length > 0) {
    lines.push('', `close calls: ${closeCalls.length} passing ${closeCalls.length === 1 ? 'step rests' : 'steps rest'} on a reading near a decision; a retrained model may read them otherwise`);
    lines.push('  (add examples that tell the intents apart, or give the step understood: when the story is about the dialogue, not the model)');
    for (const call of closeCalls) lines.push(`  ${call.story}, step ${call.step}: ${JSON.stringify(call.text)}  ${call.why}`);
  }
  lines.push('', `${countLine(results)}${closeCalls.length > 0 ? `, ${closeCalls.length} close call${closeCalls.length === 1 ? '' : 's'}` : ''}`);
  return lines.join('\n');
}

/** `--seeds`: one line per model, then the stories that fail with some models and pass with others. */
export function formatAcrossSeeds(runs: ReadonlyArray<{ seed: number; results: readonly StoryResult[] }>): string {
  const lines = ['', `the stories against ${runs.length} models trained from the same definition:`];
  for (const { seed, results } of runs) lines.push(`  seed ${seed}: ${countLine(results)}`);
  const names = runs[0]?.results.map((r) => r.name) ?? [];
  const fragile = names.flatMap((name) => {
    const failing = runs.filter((run) => run.results.find((r) => r.name === name)?.passed === false).map((run) => run.seed);
    return failing.length > 0 ? [{ name, failing }] : [];
  });
  if (fragile.length === 0) lines.push('every story passes with every model');
  else {
    lines.push('stories that fail with some models (a story that passes only with the model at hand breaks at the next training):');
    for (const { name, failing } of fragile) {
      const passing = runs.map((run) => run.seed).filter((seed) => !failing.includes(seed));
      lines.push(`  ${name}: fails with seed ${failing.join(', ')}${passing.length > 0 ? `; passes with ${passing.join(', ')}` : ''}`);
    }
  }
  return lines.join('\n');
}

async function runStories(runtime: BotRuntime, stories: Stories['stories'], now: number): Promise<StoryResult[]> {
  const results: StoryResult[] = [];
  for (const story of stories) results.push(await runStory(runtime.dialogue, story, runtime.parse, now, { outOfScopeThreshold: runtime.outOfScopeThreshold }));
  return results;
}

export function registerTest(program: Command): void {
  program
    .command('test')
    .argument('<bot>', 'bot definition (.yaml or .json), or a folder of them')
    .description('run the bot’s conversation tests against its trained model; exits 1 on failure')
    .option('--stories <file>', 'conversation tests (default: <bot>.tests.yaml next to the definition)')
    .option('--bundle <dir>', 'trained bundle (default: models/<bot name>/)')
    .option('--seeds <list>', 'train a model with each seed (e.g. 1,2,3) in a temporary folder and run the stories against every one: finds stories that pass only with the model at hand', wholeNumberList)
    .addOption(new Option('--stage <stage>', 'which stage understands: full (the transformer, what a warm widget runs) or light (what answers while it loads, or alone on Save-Data)').choices(['full', 'light']).default('full'))
    .action(async (bot: string, options: { stories?: string; bundle?: string; seeds?: number[]; stage: Stage }) => {
      const file = options.stories ?? defaultStoriesFile(bot);
      if (!existsSync(file)) {
        console.error(`${file} not found: write conversation tests there or pass --stories`);
        process.exitCode = 1;
        return;
      }
      const parsed = readStories(readFileSync(file, 'utf8'), file);
      if (!parsed.ok) {
        for (const problem of parsed.problems) console.error(formatProblem(problem));
        process.exitCode = 1;
        return;
      }
      const now = parsed.stories.now ? Date.parse(parsed.stories.now) : Date.now();
      const stories = parsed.stories.stories;
      const seeds = options.seeds;
      if (seeds !== undefined && options.bundle !== undefined) {
        console.error('--seeds trains its own models: leave out --bundle');
        process.exitCode = 1;
        return;
      }
      try {
        if (seeds === undefined) {
          const results = await runStories(await loadBotRuntime(bot, options.bundle, options.stage), stories, now);
          console.log(formatResults(results));
          if (results.some((r) => !r.passed)) process.exitCode = 1;
          return;
        }
        const trainer = await loadTrainer();
        const root = mkdtempSync(join(tmpdir(), 'parley-seeds-'));
        try {
          const wordVectors = trainer.loadWordVectors();
          const runs: Array<{ seed: number; results: StoryResult[] }> = [];
          for (const [i, seed] of seeds.entries()) {
            console.error(`Training model ${i + 1} of ${seeds.length} (seed ${seed})...`);
            const dir = join(root, `seed-${seed}`);
            await trainer.trainBot({ definitionFile: bot, outDir: dir, wordVectors, seed, onProgress: createProgressPrinter() });
            const results = await runStories(await loadBotRuntime(bot, dir, options.stage), stories, now);
            console.log(`\nseed ${seed}:\n${formatResults(results)}`);
            runs.push({ seed, results });
          }
          console.log(formatAcrossSeeds(runs));
          if (runs.some((run) => run.results.some((r) => !r.passed))) process.exitCode = 1;
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      } catch (error) {
        if (!(error instanceof DefinitionError || error instanceof BundleError)) throw error;
        console.error(error.message);
        process.exitCode = 1;
      }
    });
}
