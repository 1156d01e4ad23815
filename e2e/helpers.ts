import { expect, type Page } from '@playwright/test';

/** Fails the test on any uncaught page error or console error it did not expect. */
export function watchForErrors(page: Page, allowed: RegExp[] = []): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !allowed.some((pattern) => pattern.test(message.text()))) {
      errors.push(`console: ${message.text()}`);
    }
  });
  return errors;
}

export async function openChat(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Open chat' }).click();
  await expect(page.getByRole('dialog', { name: 'Acme Support' })).toBeVisible();
  await expect(page.getByRole('log').getByText("Hi, I'm", { exact: false })).toBeVisible();
}

export const composer = (page: Page) => page.getByRole('textbox', { name: 'Type your message' });
export const transcript = (page: Page) => page.getByRole('log');

export const lastBotMessage = (page: Page) => transcript(page).locator('.message--bot').last();

/**
 * Sends `text` and waits for the bot's next message. The first message also waits for the model to
 * load, which took over 20 s once on a loaded two-core machine: the wait is generous.
 */
export async function ask(page: Page, text: string): Promise<void> {
  const before = await transcript(page).locator('.message--bot').count();
  await composer(page).fill(text);
  await composer(page).press('Enter');
  await expect.poll(() => transcript(page).locator('.message--bot').count(), { timeout: 40_000 }).toBeGreaterThan(before);
}

/** The demo bot's opening-hours answer, in any of its variations. */
export const OPENING_HOURS = /Monday to Friday|Mon–Fri|weekdays/;
