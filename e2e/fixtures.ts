/**
 * Playwright's `test`, with two additions: every page records what `window.parley` says about its
 * readiness (`lightReady`, `modelReady`, the stage of each answer: see helpers.ts), so tests wait for
 * those signals rather than for a guessed time; and when a test fails, the log says what the pages
 * printed and what the bot last said. CI keeps only its log, and "element not found" alone does not
 * tell a slow model from a wrong answer.
 */
import { test as base } from '@playwright/test';
import { recordReadiness } from './helpers';

export { expect, type Page } from '@playwright/test';

export const test = base.extend<{ failureReport: undefined; readiness: undefined }>({
  readiness: [
    async ({ context }, use) => {
      await recordReadiness(context);
      await use(undefined);
    },
    { auto: true },
  ],
  failureReport: [
    async ({ context }, use, testInfo) => {
      const started = Date.now();
      const printed: string[] = [];
      const print = (line: string) => printed.push(`+${((Date.now() - started) / 1000).toFixed(1)}s ${line}`);
      context.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning' || message.text().startsWith('[parley]')) print(`${message.type()}: ${message.text()}`);
      });
      context.on('weberror', (error) => print(`pageerror: ${error.error().message}`));
      await use(undefined);
      if (testInfo.status === testInfo.expectedStatus) return;
      const lines = [`--- what "${testInfo.title}" saw`, ...printed];
      for (const page of context.pages()) {
        const said = await page
          .locator('.message--bot')
          .allInnerTexts()
          .catch(() => []);
        if (said.length > 0) lines.push(`${page.url()}: the bot's last messages:`, ...said.slice(-3).map((text) => `  > ${text.replace(/\s+/g, ' ').slice(0, 200)}`));
      }
      console.log(lines.join('\n'));
    },
    { auto: true },
  ],
});
