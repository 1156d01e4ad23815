import { expect, test } from './fixtures';
import { composer, openChat, transcript } from './helpers';

test('visitor text with HTML or script is shown as text and runs nothing', async ({ page }) => {
  let dialogs = 0;
  page.on('dialog', async (dialog) => {
    dialogs++;
    await dialog.dismiss();
  });
  await page.goto('/e2e/plain.html');
  await openChat(page);

  const payloads = ['<img src=x onerror=alert(1)>', '<script>alert(2)</script>', '<a href="javascript:alert(3)">click</a>'];
  for (const payload of payloads) {
    await composer(page).fill(payload);
    await composer(page).press('Enter');
  }
  const bubbles = transcript(page).locator('.message--user .bubble');
  await expect(bubbles).toHaveText(payloads);
  await expect(transcript(page).locator('.message--user img, .message--user script, .message--user a')).toHaveCount(0);
  await page.waitForTimeout(300);
  expect(dialogs).toBe(0);
});
