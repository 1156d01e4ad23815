import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { buildCli, checkMainThreadWithoutValibot } from './build';

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

describe('the check that valibot stays out of the host page', () => {
  const dist = mkdtempSync(join('node_modules', '.cache', 'parley-dist-check-'));
  afterAll(() => rmSync(dist, { recursive: true, force: true }));
  const write = (file: string, code: string) => {
    mkdirSync(join(dist, 'lib'), { recursive: true });
    writeFileSync(join(dist, file), code);
  };

  it('passes clean chunks and a worker that has valibot inside', () => {
    write('parley-widget.js', 'import{a as e}from"./parley-check.js";');
    write('parley-nlu-worker.js', 'var o={"~run"(e){return e}};');
    write('lib/index.js', 'import { signal } from "@preact/signals-core";');
    expect(() => checkMainThreadWithoutValibot(dist)).not.toThrow();
  });

  it('names the main-thread chunk and the library that load it', () => {
    write('parley-check.js', 'var o={"~run"(e){return e}};');
    write('lib/index.js', 'import * as v from "valibot";');
    expect(() => checkMainThreadWithoutValibot(dist)).toThrow('valibot reached code that runs in the host page (parley-check.js, lib/index.js)');
  });
});
