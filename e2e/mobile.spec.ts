import { expect, test } from './fixtures';
import { composer, openChat } from './helpers';

test.use({ viewport: { width: 375, height: 667 }, hasTouch: true });

test('on a 375x667 screen the open panel takes the full screen', async ({ page }) => {
  await page.goto('/e2e/plain.html');
  await openChat(page);
  const box = await page.getByRole('dialog').boundingBox();
  expect(box).toEqual({ x: 0, y: 0, width: 375, height: 667 });
  // The send button is not covered by the launcher.
  await composer(page).fill('hi');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.locator('parley-widget').locator('.message--user')).toHaveCount(1);
  await page.getByRole('button', { name: 'Close chat' }).click();
  await expect(page.getByRole('button', { name: 'Open chat' })).toBeVisible();
});
