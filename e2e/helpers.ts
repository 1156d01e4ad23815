import { expect, type BrowserContext, type Page } from '@playwright/test';
import type { LoadInfo } from '../src/nlu/runtime/protocol';

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

/** What the page's `window.parley` reported, recorded from before the page's own scripts run. */
export interface Readiness {
  /** The light stage can answer (`lightReady`). */
  lightReady: boolean;
  /** The full model is warm (`modelReady`), with its load info. */
  modelReady: LoadInfo | null;
  /** The stage of each `understood` result, in order ('full' for results that name none). */
  stages: Array<'light' | 'full'>;
}

declare global {
  interface Window {
    __parleyReadiness?: Readiness;
  }
}

/**
 * Runs in the page before its scripts: subscribes to `window.parley`'s events the moment parley.js
 * defines it, so no readiness event is missed however early it fires. `fixtures.ts` installs it in
 * every test's context.
 */
function recordReadinessInPage(): void {
  const readiness: Readiness = { lightReady: false, modelReady: null, stages: [] };
  window.__parleyReadiness = readiness;
  let parley: Window['parley'];
  Object.defineProperty(window, 'parley', {
    configurable: true,
    enumerable: true,
    get: () => parley,
    set(value: Window['parley']) {
      parley = value;
      if (!value) return;
      // lightReady is not in every version's event list: subscribe by name.
      (value.on as (event: string, listener: () => void) => void)('lightReady', () => (readiness.lightReady = true));
      value.on('modelReady', (info) => (readiness.modelReady = info));
      value.on('understood', ({ result }) => readiness.stages.push((result as { stage?: 'light' | 'full' }).stage ?? 'full'));
    },
  });
}

export async function recordReadiness(context: BrowserContext): Promise<void> {
  await context.addInitScript(recordReadinessInPage);
}

const readinessOf = (page: Page) => page.evaluate(() => window.__parleyReadiness ?? null);

/** The stage that answered each message the page understood so far ('full' for results that name none). */
export const stages = async (page: Page) => (await readinessOf(page))?.stages ?? [];

/**
 * Waits for the full model's readiness signal (`modelReady`) and resolves with its load info: for tests
 * about the full model (the entities the network tags, the backend, the model cache). No guess of how
 * long loading takes on this machine: only the test's own time limit applies, and a model that cannot
 * load fails the wait at once.
 */
export async function waitForModelReady(page: Page): Promise<LoadInfo> {
  let failed: (error: Error) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => (failed = reject));
  const onConsole = (message: { type(): string; text(): string }) => {
    if (message.type() === 'error' && message.text().includes('language model could not load')) failed(new Error(`the full model did not load: ${message.text()}`));
  };
  page.on('console', onConsole);
  try {
    const ready = page.waitForFunction(() => window.__parleyReadiness?.modelReady ?? false, null, { timeout: 0, polling: 100 });
    return (await Promise.race([ready, failure]).then((handle) => handle.jsonValue())) as LoadInfo;
  } finally {
    page.off('console', onConsole);
  }
}

/**
 * Waits until `answered()` holds, without guessing the machine's speed: while no stage of
 * understanding is ready yet (it is loading), only the test's own time limit applies; once one is
 * (light or full), the answer is due within expect's usual timeout. A model that failed to load
 * answers too (it says it cannot understand), so that ends the wait as well.
 */
export async function untilAnswered(page: Page, answered: () => Promise<boolean>, what = "the bot's answer"): Promise<void> {
  const ready = async () => {
    const readiness = await readinessOf(page);
    return Boolean(readiness && (readiness.lightReady || readiness.modelReady));
  };
  await expect.poll(async () => (await answered()) || (await ready()), { message: `${what}, or the widget ready to understand`, timeout: 0 }).toBe(true);
  await expect.poll(answered, { message: what }).toBe(true);
}

/** Waits for a bot message after the visitor's message `text` (sent by any means). */
export async function waitForReplyTo(page: Page, text: string): Promise<void> {
  const replies = transcript(page).locator(`.message--user:has-text(${JSON.stringify(text)}) ~ .message--bot`);
  await untilAnswered(page, async () => (await replies.count()) > 0, `a reply to "${text}"`);
}

/** Sends `text` through the composer and waits for the bot's next message (see untilAnswered). */
export async function ask(page: Page, text: string): Promise<void> {
  const before = await transcript(page).locator('.message--bot').count();
  await composer(page).fill(text);
  await composer(page).press('Enter');
  await untilAnswered(page, async () => (await transcript(page).locator('.message--bot').count()) > before, `a reply to "${text}"`);
}

/** The demo bot's opening-hours answer, in any of its variations. */
export const OPENING_HOURS = /Monday to Friday|Mon–Fri|weekdays/;
