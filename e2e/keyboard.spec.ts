import { expect, test } from './fixtures';
import { composer, transcript, untilAnswered } from './helpers';

test('keyboard only: open, send, newline, close', async ({ page }) => {
  await page.goto('/e2e/plain.html');
  const launcher = page.getByRole('button', { name: 'Open chat' });
  await expect(launcher).toBeVisible();

  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Open chat' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(composer(page)).toBeFocused();
  await expect(transcript(page).getByText("Hi, I'm", { exact: false })).toBeVisible();

  // Shift+Enter is a newline, Enter sends.
  await page.keyboard.type('first line');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('second line');
  await expect(composer(page)).toHaveValue('first line\nsecond line');
  await page.keyboard.press('Enter');
  await expect(composer(page)).toHaveValue('');
  await expect(transcript(page).locator('.message--user .bubble')).toHaveText('first line\nsecond line');

  // Empty and whitespace-only messages are not sent.
  await page.keyboard.type('   ');
  await page.keyboard.press('Enter');
  await expect(transcript(page).locator('.message--user')).toHaveCount(1);

  // Quick replies are reachable with Tab and work with Enter (after the answer, however long
  // understanding takes to load; whether it offers the menu or a clarification, its first quick reply
  // is chosen).
  const quickReply = page.getByRole('group', { name: 'Suggested replies' }).getByRole('button').first();
  await untilAnswered(page, async () => (await transcript(page).locator('.message--bot').count()) >= 2 && (await quickReply.isVisible()), 'the answer with its quick replies');
  const label = (await quickReply.textContent())!;
  await quickReply.focus();
  await page.keyboard.press('Enter');
  await expect(transcript(page).locator('.message--user .bubble').last()).toHaveText(label);
  await expect.poll(() => transcript(page).locator('.message--bot').count()).toBeGreaterThanOrEqual(3);

  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(page.getByRole('button', { name: 'Open chat' })).toBeFocused();

  // Reopening keeps the transcript.
  await page.keyboard.press('Enter');
  await expect(composer(page)).toBeFocused();
  await expect(transcript(page).locator('.message--user')).toHaveCount(2);
});

test('the composer shows a counter near the length limit and stops at it', async ({ page }) => {
  await page.goto('/e2e/plain.html');
  await page.getByRole('button', { name: 'Open chat' }).click();
  await expect(composer(page)).toBeFocused();
  const counter = page.locator('parley-widget').locator('.counter');
  await composer(page).fill('x'.repeat(700));
  await expect(counter).toHaveCount(0);
  await composer(page).fill('x'.repeat(950));
  await expect(counter).toHaveText('50 characters left');
  await composer(page).fill('x'.repeat(1200));
  await expect(composer(page)).toHaveValue('x'.repeat(1000));
  await expect(counter).toHaveText('0 characters left');
  await composer(page).press('Enter');
  await expect(transcript(page).locator('.message--user .bubble')).toHaveText('x'.repeat(1000));
});

test('the restart button clears the transcript and greets again', async ({ page }) => {
  await page.goto('/e2e/plain.html');
  await page.getByRole('button', { name: 'Open chat' }).click();
  await page.getByRole('button', { name: 'Opening hours' }).click();
  await expect(transcript(page).locator('.message')).toHaveCount(3);
  await page.getByRole('button', { name: 'Restart conversation' }).click();
  await expect(transcript(page).locator('.message')).toHaveCount(1);
});
