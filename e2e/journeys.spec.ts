/**
 * The demo bot's main journeys on the demo store page, end to end in Chromium: the real model in its
 * worker, the dialogue engine, and the demo's fulfillment endpoint (POST /api/fulfillment).
 */
import { expect, test } from './fixtures';
import { ask, lastBotMessage, openChat, watchForErrors } from './helpers';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await openChat(page);
});

test('order status: the order number in the first message, answered from the backend', async ({ page }) => {
  const errors = watchForErrors(page);
  await ask(page, 'where is my order A12345?');
  await expect(lastBotMessage(page)).toContainText('2026-11-25');
  await expect(lastBotMessage(page)).toContainText('A12345');
  expect(errors).toEqual([]);
});

test('refund: asks what is missing, confirms, then creates it', async ({ page }) => {
  await ask(page, 'I want a refund');
  await expect(lastBotMessage(page)).toContainText('order number');
  await ask(page, 'A12345');
  await expect(lastBotMessage(page)).toContainText(/reason|why|wrong/i);
  await ask(page, 'the zipper broke after one day');
  await expect(lastBotMessage(page)).toContainText('the zipper broke after one day');
  await expect(page.getByRole('group', { name: 'Suggested replies' }).getByRole('button')).toHaveCount(2);
  await ask(page, 'yes');
  await expect(lastBotMessage(page)).toContainText(/R1\d{3}/);
  // The example backend's database holds this refund exactly once.
  const refundId = /R1\d{3}/.exec((await lastBotMessage(page).textContent())!)![0];
  const refunds = (await (await page.request.get('/e2e-api/refunds')).json()) as Array<{ id: string; order_id: string }>;
  expect(refunds.filter((r) => r.id === refundId)).toEqual([{ id: refundId, order_id: 'A12345' }]);
});

test('a backend failure is said plainly and a person is offered; accepting hands off with the transcript', async ({ page }) => {
  const handoff = page.evaluate(() => new Promise<number>((resolve) => window.parley!.on('handoff', (payload) => resolve(payload.transcript.length))));
  await ask(page, 'status of order E00000 please');
  await expect(lastBotMessage(page)).toContainText('E00000');
  await expect(lastBotMessage(page)).toContainText(/not answering|could not be reached/i);
  const offer = page.getByRole('group', { name: 'Suggested replies' }).getByRole('button');
  await expect(offer).toHaveCount(2);
  await offer.first().click();
  expect(await handoff).toBeGreaterThanOrEqual(4);
});

test('an invalid email is re-asked with the reason, and a second one gives up with an offer of a person', async ({ page }) => {
  await ask(page, 'i forgot my password');
  await expect(lastBotMessage(page)).toContainText(/email/i);
  await ask(page, 'bob at example');
  await expect(lastBotMessage(page)).toContainText('not an email address');
  await ask(page, 'bob@example');
  await expect(lastBotMessage(page)).toContainText(/person|team|human/i);
});
