/**
 * `npm test`: everything, in order. Finds (or installs) a Chromium, builds dist/, trains the demo bot if
 * needed, validates it and runs its conversation tests, runs the unit tests (Vitest) and the
 * end-to-end tests (Playwright in Chromium), then prints one summary line.
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
// The demo bot's own checks: its definition validates and its conversation tests pass.
const validateOk = run('parley validate bots/acme.yaml', ['--import', 'tsx', 'src/cli/main.ts', 'validate', 'bots/acme.yaml']);
console.log('\n== parley test bots/acme.yaml (conversation tests)');
const stories = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'test', 'bots/acme.yaml'], { encoding: 'utf8' });
process.stdout.write(stories.stdout);
process.stderr.write(stories.stderr);
const storyCounts = /(\d+) passed, (\d+) failed \(\d+ stories\)/.exec(stories.stdout);
// The same stories on the light stage alone: what answers while the transformer loads.
console.log('\n== parley test bots/acme.yaml --stage light (the light stage alone)');
const lightStories = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'test', 'bots/acme.yaml', '--stage', 'light'], { encoding: 'utf8' });
process.stdout.write(lightStories.stdout);
process.stderr.write(lightStories.stderr);
const lightCounts = /(\d+) passed, (\d+) failed \(\d+ stories\)/.exec(lightStories.stdout);
const storiesOk = stories.status === 0 && storyCounts !== null && lightStories.status === 0 && lightCounts !== null;

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
const storiesPassed = Number(storyCounts?.[1] ?? 0) + Number(lightCounts?.[1] ?? 0);
const storiesFailed = (storyCounts ? Number(storyCounts[2]) : 1) + (lightCounts ? Number(lightCounts[2]) : 1);
const passed = (unit?.numPassedTests ?? 0) + (e2e?.stats.expected ?? 0) + (e2e?.stats.flaky ?? 0) + storiesPassed + (validateOk ? 1 : 0);
const failed = (unit?.numFailedTests ?? 0) + (e2e?.stats.unexpected ?? 0) + storiesFailed + (validateOk ? 0 : 1);
const skipped = (unit?.numPendingTests ?? 0) + (e2e?.stats.skipped ?? 0);

console.log(`\nunit: ${unit ? `${unit.numPassedTests} passed, ${unit.numFailedTests} failed` : 'no report'}`);
console.log(`e2e: ${e2e ? `${e2e.stats.expected} passed, ${e2e.stats.unexpected} failed` : 'no report'}`);
console.log(`bot: validate ${validateOk ? 'ok' : 'FAILED'}; conversation tests (full and light stage) ${storyCounts && lightCounts ? `${storiesPassed} passed, ${storiesFailed} failed` : 'did not run'}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(unitOk && e2eOk && validateOk && storiesOk && unit && e2e && failed === 0 ? 0 : 1);
