/**
 * The fulfillment call in Chromium: the example backend's handoff ticket, a stopped backend, and a
 * visitor who goes offline in the middle of a request.
 */
import { expect, test } from './fixtures';
import { ask, composer, lastBotMessage, openChat, transcript, waitForModelReady, watchForErrors } from './helpers';

test('a handoff reaches the backend with the transcript, and its ticket is shown', async ({ page }) => {
  await page.goto('/e2e/plain.html');
  await openChat(page);
  await ask(page, 'where is my order B77777');
  await expect(lastBotMessage(page)).toContainText('B77777');
  await ask(page, 'I want to talk to a human');
  await expect(lastBotMessage(page)).toContainText(/ticket T1\d{3}/);
  const ticketId = /T1\d{3}/.exec((await lastBotMessage(page).textContent())!)![0];
  const tickets = (await (await page.request.get('/e2e-api/tickets')).json()) as Array<{ id: string; kind: string; transcript: string }>;
  const ticket = tickets.find((t) => t.id === ticketId)!;
  expect(ticket.kind).toBe('handoff');
  expect((JSON.parse(ticket.transcript) as Array<{ text: string }>).map((m) => m.text)).toContain('where is my order B77777');
});

test('with the backend stopped, the visitor is told plainly and offered a person; nothing hangs', async ({ page }) => {
  const errors = watchForErrors(page, [/fulfillment/, /Failed to load resource/, /ERR_CONNECTION_REFUSED/]);
  await page.goto('/e2e/backend-down.html');
  await openChat(page);
  await ask(page, 'where is my order A12345');
  await expect(lastBotMessage(page)).toContainText('could not be reached', { timeout: 20_000 });
  await expect(page.getByRole('group', { name: 'Suggested replies' }).getByRole('button')).toHaveCount(2);
  // The visitor's request stays in the transcript.
  await expect(transcript(page).locator('.message--user .bubble')).toHaveText(['where is my order A12345']);
  await page.getByRole('group', { name: 'Suggested replies' }).getByRole('button').first().click();
  await expect(lastBotMessage(page)).toContainText(/couldn’t reach our team/, { timeout: 20_000 });
  expect(errors).toEqual([]);
});

test('offline: the request waits for the connection, the visitor is told, and it goes out once back online', async ({ page, context }) => {
  await page.goto('/e2e/plain.html');
  await openChat(page);
  await ask(page, 'hello');
  await waitForModelReady(page); // the full model is loaded while online
  await context.setOffline(true);
  await composer(page).fill('where is my order A12345');
  await composer(page).press('Enter');
  await expect(transcript(page).getByText('You seem to be offline', { exact: false })).toBeVisible();
  await context.setOffline(false);
  await expect(transcript(page).getByText('2026-11-25', { exact: false })).toBeVisible({ timeout: 20_000 });
  await expect(transcript(page).getByText('back online', { exact: false })).toBeVisible();
});
