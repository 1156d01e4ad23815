/**
 * Nothing anyone types, writes or sends becomes live markup in the widget: the visitor's own text, the
 * bot definition's markdown, the backend's messages and error messages, and a visitor's reply quoted
 * back in the bot's answer. Bot markdown goes through one of two sanitisers: Chromium's own
 * `Element.setHTML`, or DOMPurify, fetched only by a browser without it; each test runs with both.
 */
import type { Page, Route } from '@playwright/test';
import { expect, test } from './fixtures';
import { ask, composer, lastBotMessage, openChat, transcript } from './helpers';

declare global {
  interface Window {
    /** Set by a payload that ran. */
    __xss?: number;
  }
}

/** Markup that must never run or survive, each trying another way in. */
const PAYLOADS = [
  '<img src=x onerror="window.__xss=1;alert(1)">',
  '![pixel](https://example.com/pixel.png)',
  '[js link](javascript:window.__xss=2)',
  '[JS link](JaVaScRiPt:alert(2))',
  '<a href="javascript:alert(3)">a javascript</a>',
  '<a href="https://example.com/" onclick="window.__xss=3">a with onclick</a>',
  '<iframe src="javascript:parent.__xss=4"></iframe>',
  '<iframe srcdoc="<script>parent.__xss=4</script>"></iframe>',
  '<svg onload="window.__xss=5"><circle r="4"></circle></svg>',
  '[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCg2KTwvc2NyaXB0Pg==)',
  '<a href="data:text/html,<script>alert(6)</script>">a data</a>',
  '<script>window.__xss=7</script>',
  '<b onmouseover="window.__xss=8">b with a handler</b>',
  '<details open ontoggle="window.__xss=9">details</details>',
];
/** What must still render: bold and a normal link. */
const SAFE = '**bold words** and [a safe link](https://example.com/safe)';
const HOSTILE_MARKDOWN = `${SAFE}\n\n${PAYLOADS.join('\n\n')}`;
/** Tags a bubble may hold; anything else (img, iframe, svg, script, details...) is a sanitiser's miss. */
const HARMLESS_TAGS = new Set(['strong', 'em', 'b', 'i', 'a', 'ul', 'ol', 'li', 'br', 'p', 'code']);
const SAFE_HREF = /^(?:https?:|mailto:|tel:|\/|#)/i;

type Sanitiser = 'native' | 'dompurify';

/** Records what would show that a payload ran: a dialog, an uncaught error, `window.__xss`. */
function watchForPayloads(page: Page): () => Promise<{ dialogs: string[]; errors: string[]; xss: number | null }> {
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return async () => ({ dialogs, errors, xss: await page.evaluate(() => window.__xss ?? null) });
}

/** Loads the page with the sanitiser under test, and tells which one the widget had. */
async function open(page: Page, url: string, sanitiser: Sanitiser): Promise<{ purifyFetched: () => boolean }> {
  let purify = false;
  page.on('request', (request) => {
    if (/parley-purify[^/]*\.js$/.test(new URL(request.url()).pathname)) purify = true;
  });
  if (sanitiser === 'dompurify') {
    // A browser without the HTML Sanitizer API, before the widget looks for it.
    await page.addInitScript(() => delete (Element.prototype as { setHTML?: unknown }).setHTML);
  }
  await page.goto(url);
  const native = await page.evaluate(() => typeof (Element.prototype as { setHTML?: unknown }).setHTML);
  if (sanitiser === 'native') test.skip(native !== 'function', `this Chromium has no Element.setHTML (typeof is "${native}"): only the DOMPurify path can be tested`);
  else expect(native).toBe('undefined');
  return { purifyFetched: () => purify };
}

/** Every element in the bot's bubbles, with its attributes. */
const botElements = (page: Page) =>
  transcript(page)
    .locator('.message--bot .bubble')
    .evaluateAll((bubbles) =>
      bubbles.flatMap((bubble) => [...bubble.querySelectorAll('*')].map((element) => ({ tag: element.localName, attributes: element.getAttributeNames(), href: element.getAttribute('href') }))),
    );

/** The safe markdown rendered, and nothing of the payloads survived or ran. */
async function expectSanitised(page: Page, ran: ReturnType<typeof watchForPayloads>, minimumBubbles: number): Promise<void> {
  const bubbles = transcript(page).locator('.message--bot .bubble');
  // The DOMPurify path shows plain text until the sanitiser arrives: wait for the markup.
  await expect(bubbles.locator('strong', { hasText: 'bold words' })).toHaveCount(minimumBubbles);
  const safeLinks = bubbles.locator('a', { hasText: 'a safe link' });
  await expect(safeLinks).toHaveCount(minimumBubbles);
  for (const link of await safeLinks.all()) {
    await expect(link).toHaveAttribute('href', 'https://example.com/safe');
    await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
    await expect(link).toHaveAttribute('target', '_blank');
  }
  await expect(bubbles.locator('img, iframe, svg, script, details, object, embed')).toHaveCount(0);
  const elements = await botElements(page);
  expect(elements.filter((element) => !HARMLESS_TAGS.has(element.tag))).toEqual([]);
  expect(elements.filter((element) => element.attributes.some((name) => name.startsWith('on')))).toEqual([]);
  expect(elements.flatMap((element) => element.attributes).filter((name) => !['href', 'target', 'rel'].includes(name))).toEqual([]);
  expect(elements.filter((element) => element.href !== null && !SAFE_HREF.test(element.href))).toEqual([]);
  await page.waitForTimeout(300); // a payload's handler (onload, onerror, ontoggle) would have run by now
  expect(await ran()).toEqual({ dialogs: [], errors: [], xss: null });
}

/** The fulfillment endpoint answering as a hostile backend would: `answer` for each order number. */
async function routeFulfillment(page: Page, answer: (orderId: string) => object): Promise<void> {
  await page.route('**/api/fulfillment', async (route: Route) => {
    const request = route.request().postDataJSON() as { action: string; slots: Record<string, unknown> };
    await route.fulfill({ json: answer(String(request.slots.order_id)) });
  });
}

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

for (const sanitiser of ['native', 'dompurify'] as const) {
  test.describe(`bot markdown through ${sanitiser === 'native' ? "Chromium's Element.setHTML" : 'the DOMPurify fallback'}`, () => {
    test('hostile markdown in the bot definition renders its safe part and runs nothing', async ({ page }) => {
      const ran = watchForPayloads(page);
      // The demo bundle, with hostile markdown in the greeting, the menu and the dialogue's answer.
      await page.route('**/models/acme/bot.json', async (route) => {
        const bundle = (await (await route.fetch()).json()) as {
          greeting: string;
          menu: Array<{ id: string; response: string }>;
          dialogue: { flows: Record<string, { done?: string }>; responses: Record<string, unknown[]> };
        };
        bundle.greeting = `Hi, I'm the test bot. ${HOSTILE_MARKDOWN}`;
        for (const item of bundle.menu) item.response = HOSTILE_MARKDOWN;
        bundle.dialogue.responses[bundle.dialogue.flows.business_hours!.done!] = [HOSTILE_MARKDOWN];
        await route.fulfill({ json: bundle });
      });
      const { purifyFetched } = await open(page, '/e2e/plain.html', sanitiser);
      await openChat(page);
      await page.getByRole('group', { name: 'Suggested replies' }).getByRole('button', { name: 'Opening hours' }).click();
      await expectSanitised(page, ran, 2);
      expect(purifyFetched()).toBe(sanitiser === 'dompurify');
    });

    test("hostile markdown from the backend: its messages are sanitised, its error message and slot values are text", async ({ page }) => {
      const ran = watchForPayloads(page);
      const hostileText = PAYLOADS.slice(0, 4).join(' ');
      await routeFulfillment(page, (orderId) =>
        orderId === 'A12345'
          ? { status: 'ok', slots: { order_state: 'shipped', delivery_date: hostileText }, messages: [HOSTILE_MARKDOWN] }
          : { status: 'error', message: hostileText },
      );
      const { purifyFetched } = await open(page, '/e2e/plain.html', sanitiser);
      await openChat(page);
      await ask(page, 'where is my order A12345');
      // The backend's slot value in the bot's own answer shows as text.
      await expect(lastBotMessage(page)).toContainText(hostileText);
      await ask(page, 'where is my order B22222');
      await expect(lastBotMessage(page)).toContainText(hostileText);
      await expect(lastBotMessage(page).locator('a, img')).toHaveCount(0);
      await expectSanitised(page, ran, 1);
      expect(purifyFetched()).toBe(sanitiser === 'dompurify');
    });

    test('a visitor\'s "[Verify here](https://evil.example)" quoted in a validation answer is text, not a link', async ({ page }) => {
      const ran = watchForPayloads(page);
      await open(page, '/e2e/plain.html', sanitiser);
      await openChat(page);
      await ask(page, 'where is my order?');
      await expect(lastBotMessage(page)).toContainText('order number');
      const reply = '[Verify here](https://evil.example)';
      await ask(page, reply);
      const answer = lastBotMessage(page);
      await expect(answer).toContainText(`"${reply}" is not in the expected format`);
      // The bot's own markdown in the same answer still renders (its example order number is bold).
      await expect(answer.locator('strong').first()).toBeVisible();
      await expect(answer.locator('a')).toHaveCount(0);
      expect(await ran()).toEqual({ dialogs: [], errors: [], xss: null });
    });
  });
}
