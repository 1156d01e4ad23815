/**
 * `npm test`: everything, in order. Finds (or installs) a Chromium, builds dist/, runs the unit tests
 * (Vitest) and the end-to-end tests (Playwright in Chromium), then prints one summary line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { ensureBrowser } from './browser';
import { ensureDemoBot } from './demo-bot';

const reports = '.cache/test-reports';
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

function run(label: string, args: string[], env: NodeJS.ProcessEnv = {}): boolean {
  console.log(`\n== ${label}`);
  const result = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

const chromium = ensureBrowser();
console.log(`Chromium for the e2e tests: ${chromium}`);

if (!run('build', ['--import', 'tsx', 'scripts/build.ts'])) {
  console.error('The build failed; no tests were run.');
  process.exit(1);
}
console.log('\n== demo bot bundle (models/acme/)');
try {
  ensureDemoBot();
} catch {
  console.error('The demo bot could not be trained; no tests were run.');
  process.exit(1);
}
const unitOk = run('unit tests (vitest)', [
  'node_modules/vitest/vitest.mjs',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${reports}/vitest.json`,
]);
const e2eOk = run('end-to-end tests (playwright, chromium)', ['node_modules/@playwright/test/cli.js', 'test', '--reporter=list,json'], {
  PARLEY_CHROMIUM: chromium,
  PLAYWRIGHT_JSON_OUTPUT_NAME: `${reports}/playwright.json`,
});

function readJson<T>(file: string): T | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}
const unit = readJson<{ numPassedTests: number; numFailedTests: number; numPendingTests: number }>(`${reports}/vitest.json`);
const e2e = readJson<{ stats: { expected: number; unexpected: number; flaky: number; skipped: number } }>(`${reports}/playwright.json`);
const passed = (unit?.numPassedTests ?? 0) + (e2e?.stats.expected ?? 0) + (e2e?.stats.flaky ?? 0);
const failed = (unit?.numFailedTests ?? 0) + (e2e?.stats.unexpected ?? 0);
const skipped = (unit?.numPendingTests ?? 0) + (e2e?.stats.skipped ?? 0);

console.log(`\nunit: ${unit ? `${unit.numPassedTests} passed, ${unit.numFailedTests} failed` : 'no report'}`);
console.log(`e2e: ${e2e ? `${e2e.stats.expected} passed, ${e2e.stats.unexpected} failed` : 'no report'}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(unitOk && e2eOk && unit && e2e && failed === 0 ? 0 : 1);
