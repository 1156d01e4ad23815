import { expect, test } from './fixtures';
import { ask, composer, lastBotMessage, openChat, stages, transcript, untilAnswered, waitForModelReady, watchForErrors } from './helpers';

test('understands free text on the device: a misspelt question gets the right answer from the full model', async ({ page }) => {
  const errors = watchForErrors(page);
  const understood: string[] = [];
  await page.exposeFunction('recordIntent', (name: string) => understood.push(name));
  await page.goto('/e2e/plain.html');
  await page.evaluate(() => window.parley!.on('understood', ({ result }) => void (window as unknown as { recordIntent(n: string): void }).recordIntent(result.intent.name)));
  await openChat(page);
  // This test is about the transformer: it waits for it (however long loading takes here), then asks.
  await waitForModelReady(page);
  await ask(page, 'wher is my pakage, order A12345??');
  // The order number was understood too: the backend's delivery date for A12345 comes back.
  await expect(transcript(page).getByText('2026-11-25', { exact: false })).toBeVisible();
  expect(understood).toEqual(['order_status']);

  await ask(page, 'i forgot my pasword');
  await expect(lastBotMessage(page)).toContainText('email');
  expect(understood).toEqual(['order_status', 'password_reset']);
  expect(await stages(page)).toEqual(['full', 'full']);
  expect(errors).toEqual([]);
});

test('loads nothing of the language model before the visitor shows interest (load on interaction)', async ({ page }) => {
  const nluRequests: string[] = [];
  page.on('request', (request) => {
    if (/parley-nlu-worker|ort-wasm|model\.onnx|parley-understanding/.test(request.url())) nluRequests.push(new URL(request.url()).pathname);
  });
  await page.goto('/e2e/interaction.html');
  await page.waitForTimeout(1000);
  expect(nluRequests).toEqual([]);
  await page.getByRole('button', { name: 'Ouvrir la discussion' }).hover();
  await waitForModelReady(page);
  const expected = ['/parley-understanding.js', '/parley-nlu-worker.js', '/ort/ort-wasm-simd-threaded.wasm', '/models/acme/model.onnx'];
  expect(expected.filter((path) => !nluRequests.includes(path))).toEqual([]);
});

test('when the model cannot load, typed messages get the menu and say so', async ({ page }) => {
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await page.goto('/e2e/missing-model.html');
  await openChat(page);
  await composer(page).fill('wheres my parcel');
  await composer(page).press('Enter');
  // However long the load takes to fail here, then the answer.
  const unavailable = transcript(page).getByText('Sorry, I can’t understand typed messages right now', { exact: false });
  await untilAnswered(page, async () => (await unavailable.count()) > 0, 'the "cannot understand typed messages" answer');
  await expect(page.getByRole('group', { name: 'Suggested replies' }).getByRole('button')).toHaveCount(6);
  // The buttons still work.
  await page.getByRole('button', { name: 'Opening hours' }).click();
  await expect(transcript(page).getByText('Monday to Friday', { exact: false })).toBeVisible();
  expect(consoleErrors.some((e) => e.includes('language model could not load'))).toBe(true);
});

test('a returning visitor fetches neither the runtime nor the model again (both cached and verified)', async ({ page }) => {
  const fetched: string[] = [];
  page.on('requestfinished', (request) => {
    const path = new URL(request.url()).pathname;
    if (/\.wasm$|model\.onnx$/.test(path)) fetched.push(path);
  });
  const visit = async () => {
    await page.getByRole('button', { name: 'Ouvrir la discussion' }).click();
    return waitForModelReady(page);
  };
  await page.goto('/e2e/interaction.html');
  expect((await visit()).fromCache).toBe(false);
  expect(fetched.sort()).toEqual(['/models/acme/model.onnx', '/ort/ort-wasm-simd-threaded.wasm']);

  fetched.length = 0;
  await page.goto('/e2e/interaction.html');
  expect((await visit()).fromCache).toBe(true);
  expect(fetched).toEqual([]);
});
