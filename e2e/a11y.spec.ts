import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from './fixtures';
import { ask, lastBotMessage, openChat } from './helpers';

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).include('parley-widget').analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe finds no serious or critical violations, closed and open (${colorScheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    await page.goto('/e2e/plain.html');
    await expect(page.getByRole('button', { name: 'Open chat' })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);

    await openChat(page);
    // A form question, then an answer with a list and a link, then a confirmation with its buttons.
    await page.getByRole('button', { name: 'Request a refund' }).click();
    await expect(lastBotMessage(page)).toContainText('order number');
    await ask(page, 'help');
    await expect(page.getByRole('link', { name: 'help centre' })).toBeVisible();
    await ask(page, 'A12345');
    await ask(page, 'it arrived broken');
    await expect(page.getByRole('group', { name: 'Suggested replies' }).getByRole('button')).toHaveCount(2);
    expect(await seriousViolations(page)).toEqual([]);
  });
}

test('dark mode follows the visitor’s preference', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('/e2e/plain.html');
  await openChat(page);
  const background = await page.locator('parley-widget').evaluate((host) => getComputedStyle(host.shadowRoot!.querySelector('.panel')!).backgroundColor);
  expect(background).toBe('rgb(17, 24, 39)');
});
