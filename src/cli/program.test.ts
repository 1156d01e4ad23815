import { describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { createProgram } from './program';

/** Runs the CLI in-process and returns what it printed and its exit code. */
function runCli(args: string[]) {
  let output = '';
  let exitCode: number | undefined;
  const program = createProgram()
    .exitOverride((error) => {
      exitCode = error.exitCode;
      throw error;
    })
    .configureOutput({ writeOut: (text) => (output += text), writeErr: (text) => (output += text) });
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
});
