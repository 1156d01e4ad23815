/**
 * The first answer does not wait for onnxruntime: with the runtime's .wasm held back on its way to
 * the worker, a typed question is answered (by the light stage); once the .wasm is let through, the
 * transformer loads and answers the next question.
 */
import { expect, test } from './fixtures';
import { ask, lastBotMessage, OPENING_HOURS, openChat, stages, waitForModelReady } from './helpers';

test('the first answer arrives while onnxruntime’s wasm is still being fetched; the full model answers once it has arrived', async ({ page }) => {
  // The worker fetches the .wasm (page.route sees a dedicated worker's requests): hold it.
  const held: string[] = [];
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/ort\/[^/]+\.wasm$/, async (route) => {
    held.push(new URL(route.request().url()).pathname);
    await released;
    await route.continue();
  });

  await page.goto('/e2e/plain.html');
  await openChat(page);
  await ask(page, 'what are your opening hours');
  await expect(lastBotMessage(page)).toContainText(OPENING_HOURS);
  expect(await stages(page)).toEqual(['light']);
  // Not vacuous: the worker did ask for the runtime, and has not had it.
  await expect.poll(() => held, { message: 'the worker asks for onnxruntime’s .wasm', timeout: 0 }).toEqual(['/ort/ort-wasm-simd-threaded.wasm']);
  expect(await page.evaluate(() => window.__parleyReadiness?.modelReady ?? null)).toBeNull();

  release();
  const info = await waitForModelReady(page);
  expect(info.backend).toBe('wasm');
  await ask(page, 'how much is the pro plan');
  await expect(lastBotMessage(page)).toContainText('Pro');
  expect(await stages(page)).toEqual(['light', 'full']);
});
