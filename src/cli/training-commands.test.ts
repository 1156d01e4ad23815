import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgram } from './program';

// The commands' wiring only: a stand-in trainer records what it was asked (the trainer's own tests
// cover what finalFitAlongside does, report-html.test.ts what the page holds).
const miss = vi.hoisted(() => ({ text: 'where is my parcel', intent: 'order_status', answered: 'shipping_cost', confidence: 0.8 }));
const calls = vi.hoisted(() => ({ trainBot: [] as unknown[], runEvaluation: [] as unknown[], bundleIsCurrent: false }));
vi.mock('./trainer-modules', async () => {
  const examples = await import('../train/examples');
  const report = await import('../train/report-html');
  return {
    loadTrainer: async () => ({
      ...examples,
      ...report,
      DefinitionError: class extends Error {},
      resolveDefinitionFile: (bot: string) => bot,
      readDefinition: () => ({ sha256: 'x' }),
      defaultBundleDir: () => 'unused',
      bundleIsCurrent: () => calls.bundleIsCurrent,
      loadWordVectors: () => ({ dimensions: 1, vector: () => undefined, frequentWords: () => [] }),
      trainBot: async (options: { finalFitAlongside?: boolean }) => {
        calls.trainBot.push(options);
        return {
          name: 'Bot',
          intents: 2,
          examples: 40,
          heldOut: { inScope: 4, inScopeRight: 3, outOfScope: 0, outOfScopeDeclined: 0, answers: [miss], misses: [miss] },
          light: { heldOut: { inScope: 4, inScopeRight: 4, outOfScope: 0, outOfScopeDeclined: 0, answers: [], misses: [] }, tableBytes: 2048 },
          refit: { examples: 40, epochs: 3, alongside: options.finalFitAlongside === false ? { reason: 'turned off (finalFitAlongside: false)' } : true },
          modelBytes: 1,
          seconds: 1,
          dir: 'out',
        };
      },
      runEvaluation: async (options: unknown) => {
        calls.runEvaluation.push(options);
        throw new Error('stop after the options are recorded');
      },
    }),
  };
});

describe('parley train and parley eval', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
    calls.trainBot.length = 0;
    calls.runEvaluation.length = 0;
    calls.bundleIsCurrent = false;
  });

  const errors: string[] = [];
  async function run(args: string[]) {
    const printed: string[] = [];
    errors.length = 0;
    vi.spyOn(console, 'log').mockImplementation((message: unknown) => void printed.push(String(message)));
    vi.spyOn(console, 'error').mockImplementation((message: unknown) => void errors.push(String(message)));
    await createProgram().parseAsync(['node', 'parley', ...args]).catch(() => undefined);
    return printed.join('\n');
  }

  it('parley train runs the final fit after the held-out run, and says so', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'parley-cli-')), 'bundle');
    const printed = await run(['train', 'bots/acme.yaml', '--out', out, '--one-thread']);
    expect(calls.trainBot).toEqual([expect.objectContaining({ finalFitAlongside: false })]);
    expect(printed).toContain('final fit          all 40 examples, 3 epochs, after the held-out run (--one-thread)');
    expect(printed).toContain('light stage        100.00% of the held-out examples; 2.0 KB int8 (answers while the transformer loads)');

    const alongside = await run(['train', 'bots/acme.yaml', '--out', out]);
    expect(calls.trainBot[1]).not.toHaveProperty('finalFitAlongside');
    expect(alongside).toContain('in a second thread, alongside the held-out run');
  });

  it('parley eval passes it to the evaluation run', async () => {
    const data = join(mkdtempSync(join(tmpdir(), 'parley-cli-')), 'data.jsonl');
    writeFileSync(data, '{"text": "hi", "intent": "greet"}\n');
    await run(['eval', '--train', data, '--test', data, '--one-thread']);
    await run(['eval', '--train', data, '--test', data]);
    expect(calls.runEvaluation).toEqual([expect.objectContaining({ finalFitAlongside: false }), expect.not.objectContaining({ finalFitAlongside: false })]);
  });

  it('parley train --report writes the held-out page and names it in the summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-cli-'));
    const printed = await run(['train', 'bots/acme.yaml', '--out', join(dir, 'bundle'), '--report', join(dir, 'held-out.html')]);
    expect(printed).toContain(`report             ${join(dir, 'held-out.html')}`);
    const page = readFileSync(join(dir, 'held-out.html'), 'utf8');
    expect(page).toContain('<title>Parley: Bot, held-out examples</title>');
    expect(page).toContain('<td>where is my parcel</td><td>order_status</td><td>shipping_cost</td><td>0.80</td>');
  });

  it('parley train --if-changed --report on a current bundle trains nothing and says the report needs a training', async () => {
    calls.bundleIsCurrent = true;
    const dir = mkdtempSync(join(tmpdir(), 'parley-cli-'));
    const printed = await run(['train', 'bots/acme.yaml', '--out', join(dir, 'bundle'), '--if-changed', '--report', join(dir, 'held-out.html')]);
    expect(calls.trainBot).toEqual([]);
    expect(printed).toBe(`${join(dir, 'bundle')} is up to date with bots/acme.yaml`);
    expect(errors).toEqual([`No report written: it comes from training, and nothing was trained (leave out --if-changed to train and write ${join(dir, 'held-out.html')})`]);
  });
});
