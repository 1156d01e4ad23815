/**
 * The backend choice, in a Chromium that has a WebGPU adapter (SwiftShader, on the CPU): `auto` keeps
 * WASM for a model of Parley's size and fetches nothing of the WebGPU build; `webgpu` runs it there.
 */
import { expect, test, type Page } from './fixtures';
import { chromiumArgs, findChromium } from '../scripts/browser';
import type { LoadInfo } from '../src/nlu/runtime/protocol';
import { ask, openChat, stages, transcript, waitForModelReady, watchForErrors } from './helpers';

test.use({
  launchOptions: {
    executablePath: findChromium(),
    args: [...chromiumArgs.filter((arg) => arg !== '--disable-gpu'), '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'],
  },
});

/** Opens the chat and resolves with the full model's load info once it is warm. */
async function openAndLoad(page: Page): Promise<LoadInfo> {
  await openChat(page);
  return waitForModelReady(page);
}

function runtimeRequests(page: Page): string[] {
  const paths: string[] = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (/ort|model\.onnx/.test(path)) paths.push(path);
  });
  return paths;
}

test('auto runs a model of this size on WASM even with a GPU, and fetches nothing of WebGPU', async ({ page }) => {
  const requests = runtimeRequests(page);
  await page.goto('/e2e/backend-auto.html');
  expect(await page.evaluate(async () => Boolean(await (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter()))).toBe(true);
  const info = await openAndLoad(page);
  expect(info.backend).toBe('wasm');
  expect(info.backendReason).toMatch(/multiply-adds per parse/);
  expect(requests).toContain('/ort/ort-wasm-simd-threaded.wasm');
  expect(requests.filter((path) => /webgpu|asyncify/.test(path))).toEqual([]);
});

test('webgpu runs the model on the GPU and understands the same question', async ({ page }) => {
  const errors = watchForErrors(page);
  const requests = runtimeRequests(page);
  await page.goto('/e2e/backend-webgpu.html');
  const info = await openAndLoad(page);
  expect(info.backend).toBe('webgpu');
  expect(requests).toContain('/ort/ort-wasm-simd-threaded.asyncify.wasm');
  expect(requests).not.toContain('/ort/ort-wasm-simd-threaded.wasm');
  await ask(page, 'wher is my pakage, order A12345??');
  expect(await stages(page)).toEqual(['full']);
  // This page has no backend: the engine asked for order A12345 and says the lookup failed (after the
  // fulfillment client's retries: that, not the model, is what the longer wait is for).
  await expect(transcript(page).locator('.message--bot').last()).toContainText('A12345', { timeout: 30_000 });
  expect(errors).toEqual([]);
});
