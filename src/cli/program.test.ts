import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { createProgram } from './program';

/** Runs the CLI in-process and returns what it printed and its exit code. */
function runCli(args: string[]) {
  let output = '';
  let exitCode: number | undefined;
  const program = createProgram();
  // Subcommands copy these settings only when created after them, so each gets its own.
  for (const command of [program, ...program.commands]) {
    command
      .exitOverride((error) => {
        exitCode = error.exitCode;
        throw error;
      })
      .configureOutput({ writeOut: (text) => (output += text), writeErr: (text) => (output += text) });
  }
  try {
    program.parse(['node', 'parley', ...args]);
  } catch {
    // commander throws after --help/--version/errors once exitOverride is set
  }
  return { output, exitCode };
}

describe('parley CLI', () => {
  it('prints the package version', () => {
    expect(runCli(['--version'])).toEqual({ output: `${pkg.version}\n`, exitCode: 0 });
  });

  it('prints usage with --help', () => {
    const { output, exitCode } = runCli(['--help']);
    expect(exitCode).toBe(0);
    expect(output).toContain('Usage: parley [options]');
    expect(output).toContain('--version');
  });

  it('rejects an unknown option with a pointer to --help', () => {
    const { output, exitCode } = runCli(['--frobnicate']);
    expect(exitCode).toBe(1);
    expect(output).toContain("unknown option '--frobnicate'");
    expect(output).toContain('parley --help');
  });

  it('stops on a numeric option that is not a whole number, naming the option', () => {
    for (const args of [['train', 'bots/acme.yaml', '--seed', 'abc'], ['eval', '--train', 'a.jsonl', '--test', 'b.jsonl', '--epochs', '0'], ['eval', '--train', 'a.jsonl', '--test', 'b.jsonl', '--seed', '1.5']]) {
      const { output, exitCode } = runCli(args);
      expect(exitCode).toBe(1);
      expect(output).toMatch(/option '--(seed|epochs) <n>' argument '[^']*' is invalid\. expected a whole number of at least [01], got/);
    }
  });

  it('stops on a seed list that is not whole numbers, or names one twice', () => {
    expect(runCli(['test', 'bots/acme.yaml', '--seeds', '1,x']).output).toContain(`option '--seeds <list>' argument '1,x' is invalid. expected whole numbers separated by commas (such as 1,2,3), got "1,x".`);
    expect(runCli(['test', 'bots/acme.yaml', '--seeds', '1,,2']).exitCode).toBe(1);
    expect(runCli(['test', 'bots/acme.yaml', '--seeds', '2,2']).output).toContain('"2,2" names a number twice.');
  });

  describe('stops before training, with a plain message and exit code 1', () => {
    afterEach(() => {
      process.exitCode = undefined;
      vi.restoreAllMocks();
    });

    async function runAction(args: string[]) {
      const errors: string[] = [];
      vi.spyOn(console, 'error').mockImplementation((message: unknown) => void errors.push(String(message)));
      await createProgram().parseAsync(['node', 'parley', ...args]);
      return { errors: errors.join('\n'), exitCode: process.exitCode };
    }

    it('on a data file that is missing or malformed', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'parley-cli-'));
      const bad = join(dir, 'bad.jsonl');
      writeFileSync(bad, '{"text": "hi", "intent": "greet"}\n{"text": 5}\n');
      expect(await runAction(['eval', '--train', join(dir, 'none.jsonl'), '--test', bad])).toEqual({ errors: `The data set has a problem:\n${join(dir, 'none.jsonl')}: no such file`, exitCode: 1 });
      expect(await runAction(['eval', '--train', bad, '--test', bad])).toEqual({ errors: `The data set has a problem:\n${bad}:2: needs "text" and "intent" strings`, exitCode: 1 });
    }, 60_000);

    it('on a report or bundle path that cannot be written', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'parley-cli-'));
      const good = join(dir, 'good.jsonl');
      writeFileSync(good, '{"text": "hi", "intent": "greet"}\n');
      expect(await runAction(['eval', '--train', good, '--test', good, '--report', dir])).toEqual({ errors: `Nothing was trained: ${dir} is a folder, not a file`, exitCode: 1 });
      const train = await runAction(['train', 'bots/acme.yaml', '--out', join(good, 'bundle')]);
      expect(train.exitCode).toBe(1);
      expect(train.errors).toMatch(new RegExp(`^Nothing was trained: ${join(good, 'bundle')} cannot be written to \\(ENOTDIR`));
      expect(await runAction(['train', 'bots/acme.yaml', '--out', join(dir, 'bundle'), '--report', dir])).toEqual({ errors: `Nothing was trained: ${dir} is a folder, not a file`, exitCode: 1 });
    }, 60_000);
  });
});
