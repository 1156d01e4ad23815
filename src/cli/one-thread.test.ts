import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgram } from './program';

// The commands' wiring only: a stand-in trainer records what it was asked (the trainer's own tests
// cover what finalFitAlongside does).
const calls = vi.hoisted(() => ({ trainBot: [] as unknown[], runEvaluation: [] as unknown[] }));
vi.mock('./trainer-modules', async () => {
  const examples = await import('../train/examples');
  return {
    loadTrainer: async () => ({
      ...examples,
      DefinitionError: class extends Error {},
      resolveDefinitionFile: (bot: string) => bot,
      readDefinition: () => ({ sha256: 'x' }),
      defaultBundleDir: () => 'unused',
      bundleIsCurrent: () => false,
      loadWordVectors: () => ({ dimensions: 1, vector: () => undefined, frequentWords: () => [] }),
      trainBot: async (options: { finalFitAlongside?: boolean }) => {
        calls.trainBot.push(options);
        return {
          name: 'Bot',
          intents: 2,
          examples: 40,
          heldOut: { inScope: 4, inScopeRight: 4, outOfScope: 0, outOfScopeDeclined: 0, misses: [] },
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

describe('--one-thread', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
    calls.trainBot.length = 0;
    calls.runEvaluation.length = 0;
  });

  async function run(args: string[]) {
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((message: unknown) => void printed.push(String(message)));
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await createProgram().parseAsync(['node', 'parley', ...args]).catch(() => undefined);
    return printed.join('\n');
  }

  it('parley train runs the final fit after the held-out run, and says so', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'parley-cli-')), 'bundle');
    const printed = await run(['train', 'bots/acme.yaml', '--out', out, '--one-thread']);
    expect(calls.trainBot).toEqual([expect.objectContaining({ finalFitAlongside: false })]);
    expect(printed).toContain('final fit          all 40 examples, 3 epochs, after the held-out run (--one-thread)');

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
});
