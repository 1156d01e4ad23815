import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Understood } from '../dialogue/types';
import type * as BotRuntimeModule from './bot-runtime';
import { createProgram } from './program';

// `parley test --seeds`: the wiring, with a stand-in trainer and runtime. The model "trained" with
// seed 5 reads "bob at example" as help at 0.53, the others as out of scope.
const trained = vi.hoisted(() => ({ seeds: [] as number[], dirs: [] as string[] }));
vi.mock('./trainer-modules', () => ({
  loadTrainer: async () => ({
    loadWordVectors: () => ({ dimensions: 1, vector: () => undefined, frequentWords: () => [] }),
    trainBot: async (options: { seed: number; outDir: string }) => {
      trained.seeds.push(options.seed);
      trained.dirs.push(options.outDir);
    },
  }),
}));
vi.mock('./bot-runtime', async (importOriginal) => {
  const original = await importOriginal<typeof BotRuntimeModule>();
  const { readValidDefinition } = await import('../train/definition-files');
  const { dialogueOf } = await import('../bot/dialogue-bundle');
  return {
    ...original,
    loadBotRuntime: async (bot: string, dir: string) => {
      const { definition } = readValidDefinition(bot);
      const seed = Number(/seed-(\d+)$/.exec(dir)?.[1]);
      const parse = async (text: string): Promise<Understood> => {
        const intent = text === 'hi' ? 'greet' : seed === 5 ? 'help' : 'out_of_scope';
        const confidence = text === 'hi' ? 0.99 : 0.53;
        return { intent: { name: intent, confidence }, ranking: [{ name: intent, confidence }], entities: [] };
      };
      return { definition, dialogue: dialogueOf(definition), parse, outOfScopeThreshold: 0.3 };
    },
  };
});

describe('parley test --seeds', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
    trained.seeds.length = 0;
    trained.dirs.length = 0;
  });

  async function run(args: string[]) {
    const printed: string[] = [];
    const errors: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((message: unknown) => void printed.push(String(message)));
    vi.spyOn(console, 'error').mockImplementation((message: unknown) => void errors.push(String(message)));
    await createProgram().parseAsync(['node', 'parley', ...args]);
    return { printed: printed.join('\n'), errors: errors.join('\n') };
  }

  it('trains one model per seed, runs the stories against each, names the stories that fail with some, and cleans up', async () => {
    const { printed } = await run(['test', 'bots/acme.yaml', '--stories', 'src/cli/fixtures/seeds.tests.yaml', '--seeds', '1,5,7']);
    expect(trained.seeds).toEqual([1, 5, 7]);
    expect(printed).toContain('  seed 1: 2 passed, 0 failed (2 stories)');
    expect(printed).toContain('  seed 5: 1 passed, 1 failed (2 stories)');
    expect(printed).toContain('  an unknown message gets the fallback: fails with seed 5; passes with 1, 7');
    expect(printed).not.toContain('  a greeting: fails');
    expect(process.exitCode).toBe(1);
    // The models were trained into one temporary folder, removed afterwards.
    expect(new Set(trained.dirs.map(dirname)).size).toBe(1);
    expect(existsSync(dirname(trained.dirs[0]!))).toBe(false);
  });

  it('refuses --bundle with --seeds', async () => {
    const { errors } = await run(['test', 'bots/acme.yaml', '--stories', 'src/cli/fixtures/seeds.tests.yaml', '--seeds', '1', '--bundle', 'models/acme']);
    expect(errors).toBe('--seeds trains its own models: leave out --bundle');
    expect(trained.seeds).toEqual([]);
    expect(process.exitCode).toBe(1);
  });
});
