/**
 * A page whose own scripts changed the globals Parley shares with it (e2e/pages/hostile-page.html):
 * enumerable methods on Object.prototype and Array.prototype, an AMD `define`, a broken
 * String.prototype.trim, `window.process`, and a frozen, non-writable fetch wrapper. The widget works
 * there as anywhere else, and the page sees no error from it.
 */
import { expect, test } from './fixtures';
import { lastBotMessage, OPENING_HOURS, openChat, transcript } from './helpers';

declare global {
  interface Window {
    amdCalls?: string[];
    fetchLog?: string[];
    modelReadyAt?: number;
  }
}

test('works on a page that polluted the prototypes, defined AMD and process, broke trim and froze fetch', async ({ page }) => {
  test.setTimeout(180_000); // the model loads cold on a busy machine before the typed questions
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}\n${error.stack ?? ''}`));
  // Console errors too: a bundle Parley could not read is logged, and the widget then runs buttons-only.
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console error: ${message.text()}`);
  });

  await page.goto('/e2e/hostile-page.html');
  expect(await page.evaluate(() => ({ polluted: typeof ({} as Record<string, unknown>).extendedByPage, trim: ' x '.trim() }))).toEqual({ polluted: 'function', trim: '' });
  await page.evaluate(() => window.parley!.on('modelReady', () => (window.modelReadyAt = Date.now())));

  await openChat(page); // the launcher opens the panel and the greeting shows
  await page.getByRole('button', { name: 'Plans and pricing' }).click();
  await expect(transcript(page).getByRole('listitem').filter({ hasText: 'Pro' })).toBeVisible();

  // Typed questions: wait for the model's readiness rather than guess how long a cold load takes.
  await expect.poll(() => page.evaluate(() => window.modelReadyAt ?? 0), { timeout: 90_000 }).toBeGreaterThan(0);
  const composer = page.getByRole('textbox', { name: 'Type your message' });
  await composer.fill('what are your opening hours?');
  await composer.press('Enter');
  await expect(lastBotMessage(page)).toContainText(OPENING_HOURS, { timeout: 30_000 });

  // A flow through the site's backend: the fulfillment request goes through the page's fetch wrapper.
  await composer.fill('where is my order A12345?');
  await composer.press('Enter');
  await expect(lastBotMessage(page)).toContainText('2026-11-25', { timeout: 30_000 });

  const seen = await page.evaluate(() => ({ amdCalls: window.amdCalls, fetched: (window.fetchLog ?? []).map((url) => new URL(url, location.href).pathname) }));
  expect(seen.amdCalls).toEqual([]); // nothing of Parley's registered itself with the page's AMD loader
  expect(seen.fetched).toContain('/models/acme/bot.json');
  expect(seen.fetched).toContain('/api/fulfillment');

  // The conversation is read back from IndexedDB after a reload.
  await page.reload();
  await openChat(page);
  await expect(transcript(page).locator('.message--user .bubble')).toHaveText(['Plans and pricing', 'what are your opening hours?', 'where is my order A12345?']);
  expect(errors).toEqual([]);
});
