/**
 * The light stage in the real widget: it answers when the transformer cannot load, it is all a site
 * that chose `data-nlu="light"` (or a visitor on Save-Data) ever fetches, and its answers say so.
 */
import { expect, test } from './fixtures';
import { ask, lastBotMessage, OPENING_HOURS, openChat, stages, transcript } from './helpers';

const FULL_MODEL_FILES = /ort-wasm|model\.onnx|parley-nlu-ort/;

test('when the transformer cannot be fetched, the light stage still understands typed messages', async ({ page }) => {
  const warnings: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'warning') warnings.push(message.text());
  });
  await page.goto('/e2e/missing-onnx.html');
  await openChat(page);
  await ask(page, 'what are your opening hours');
  await expect(lastBotMessage(page)).toContainText(OPENING_HOURS);
  await expect.poll(() => warnings.some((w) => w.includes('The full language model could not load; the light stage goes on answering')), { timeout: 0 }).toBe(true);
  await ask(page, 'i forgot my password');
  await expect(lastBotMessage(page)).toContainText('email');
  expect(await stages(page)).toEqual(['light', 'light']);
  await expect(transcript(page).getByText('can’t understand typed messages', { exact: false })).toHaveCount(0);
});

test('data-nlu="light": answers typed questions without ever fetching onnxruntime or the transformer', async ({ page }) => {
  const fetched: string[] = [];
  page.context().on('request', (request) => void fetched.push(new URL(request.url()).pathname));
  await page.goto('/e2e/light-only.html');
  await openChat(page);
  await ask(page, 'what are your opening hours');
  await expect(lastBotMessage(page)).toContainText(OPENING_HOURS);
  await ask(page, 'wher is my pakage, order A12345??');
  // The order number comes from the rule extractor: the backend's delivery date for A12345 comes back.
  await expect(transcript(page).getByText('2026-11-25', { exact: false })).toBeVisible();
  expect(await stages(page)).toEqual(['light', 'light']);
  expect(fetched.filter((path) => FULL_MODEL_FILES.test(path))).toEqual([]);
  expect(fetched).toContain('/parley-nlu-worker.js');
});

test('a visitor who asked to save data gets the light stage only', async ({ page }) => {
  const fetched: string[] = [];
  page.context().on('request', (request) => void fetched.push(new URL(request.url()).pathname));
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'connection', { configurable: true, get: () => ({ saveData: true, effectiveType: '4g' }) }));
  const info: string[] = [];
  page.on('console', (message) => void info.push(message.text()));
  await page.goto('/e2e/plain.html');
  await openChat(page);
  await ask(page, 'what are your opening hours');
  await expect(lastBotMessage(page)).toContainText(OPENING_HOURS);
  expect(await stages(page)).toEqual(['light']);
  expect(fetched.filter((path) => FULL_MODEL_FILES.test(path))).toEqual([]);
  expect(info.some((line) => line.includes('the visitor asked to save data (Save-Data)'))).toBe(true);
});
