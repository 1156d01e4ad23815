import { describe, expect, it } from 'vitest';
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
});
