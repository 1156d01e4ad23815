import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { buildCli } from './build';

// Inside the repository, so the built CLI finds its dependencies in node_modules as dist/cli does.
mkdirSync('node_modules/.cache', { recursive: true });
const outDir = mkdtempSync(join('node_modules', '.cache', 'parley-cli-build-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('the CLI build', () => {
  it('writes the bin that package.json names, executable, so it runs directly (npx parley, a linked install)', { timeout: 120_000 }, async () => {
    expect(pkg.bin).toEqual({ parley: './dist/cli/parley.js' });
    await buildCli(outDir);
    const bin = join(outDir, 'parley.js');
    expect(statSync(bin).mode & 0o111).toBe(0o111);
    expect(execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()).toBe(pkg.version);
  });
});
