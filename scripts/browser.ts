/**
 * Finds a Chromium for Playwright: $PARLEY_CHROMIUM (or $CHROMIUM_PATH), then Debian's
 * /usr/bin/chromium, then a browser Playwright installed itself. `ensureBrowser()` installs one when
 * none is found (apt-get as root, else `playwright install chromium`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function findChromium(): string | undefined {
  const candidates = [process.env.PARLEY_CHROMIUM, process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate;
  try {
    const own = chromium.executablePath();
    if (own && existsSync(own)) return own;
  } catch {
    // Playwright has no browser of its own installed.
  }
  return undefined;
}

export function ensureBrowser(): string {
  const found = findChromium();
  if (found) return found;
  console.log('No Chromium found for the e2e tests; installing one...');
  const isRoot = process.getuid?.() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } else {
    execFileSync(process.execPath, ['node_modules/@playwright/test/cli.js', 'install', 'chromium'], { stdio: 'inherit' });
  }
  const installed = findChromium();
  if (!installed) {
    throw new Error('Could not install Chromium. Install one and set PARLEY_CHROMIUM=/path/to/chromium, then run npm test again.');
  }
  return installed;
}
