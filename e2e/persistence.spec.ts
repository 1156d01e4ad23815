/**
 * Sessions in IndexedDB, in Chromium: a reload in the middle of a form, two tabs sharing one
 * conversation, "forget me", and a browser where IndexedDB cannot be used.
 */
import { expect, test, type Page } from './fixtures';
import { ask, lastBotMessage, openChat, transcript } from './helpers';

const userTexts = (page: Page) => transcript(page).locator('.message--user .bubble').allTextContents();

test('a reload in the middle of a form brings back the transcript and the question', async ({ page }) => {
  await page.goto('/e2e/plain.html');
  await openChat(page);
  await ask(page, 'I want a refund');
  await expect(lastBotMessage(page)).toContainText('order number');
  await page.reload();
  await openChat(page);
  await expect(transcript(page).locator('.message--user .bubble')).toHaveText(['I want a refund']);
  await expect(lastBotMessage(page)).toContainText(/your refund/i);
  // The form goes on where it was.
  await ask(page, 'A12345');
  await expect(lastBotMessage(page)).toContainText(/reason|why|wrong/i);
});

test('two tabs share one conversation: 50 messages sent from both at once, none lost, none doubled, same order', async ({ context }) => {
  test.setTimeout(240_000); // 52 turns one after another across two tabs, each with the bot's reply delay
  const [first, second] = [await context.newPage(), await context.newPage()];
  for (const page of [first, second]) {
    await page.goto('/e2e/plain.html');
    await openChat(page);
  }
  await ask(first, 'hello'); // the first tab can understand
  await second.evaluate(() => window.parley!.send('hi'));
  // 25 messages from each tab, interleaved, without waiting for answers.
  await Promise.all([
    first.evaluate(async () => {
      for (let i = 0; i < 25; i++) void window.parley!.send(`first tab ${i}`);
    }),
    second.evaluate(async () => {
      for (let i = 0; i < 25; i++) void window.parley!.send(`second tab ${i}`);
    }),
  ]);
  const sent = (texts: string[]) => texts.filter((t) => /^(first|second) tab \d+$/.test(t));
  await expect.poll(async () => sent(await userTexts(first)).length, { timeout: 180_000 }).toBe(50);
  await expect.poll(async () => JSON.stringify(await userTexts(second)), { timeout: 30_000 }).toBe(JSON.stringify(await userTexts(first)));
  const inFirst = sent(await userTexts(first));
  const inSecond = sent(await userTexts(second));
  console.log(`two tabs: ${inFirst.length} messages in the first, ${inSecond.length} in the second, ${new Set(inFirst).size} distinct, same order: ${JSON.stringify(inFirst) === JSON.stringify(inSecond)}`);
  expect(new Set(inFirst).size).toBe(50);
  for (const tab of ['first', 'second']) {
    const order = inFirst.filter((t) => t.startsWith(tab)).map((t) => Number(t.split(' ').at(-1)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  }
});

test('forget() deletes the stored conversation: the transcript and IndexedDB are empty, and a reload starts afresh', async ({ page }) => {
  await page.goto('/e2e/plain.html');
  await openChat(page);
  await ask(page, 'where is my order B77777');
  await page.getByRole('button', { name: 'Delete this conversation' }).click();
  await expect(transcript(page).locator('.message--user')).toHaveCount(0);
  const stored = await page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const request = indexedDB.open('parley');
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const count = request.result.transaction('messages').objectStore('messages').count();
          count.onsuccess = () => resolve(count.result);
        };
      }),
  );
  expect(stored).toBe(0);
  await page.reload();
  await openChat(page);
  await expect(transcript(page).locator('.message--user')).toHaveCount(0);
});

/** Messages stored in the page's IndexedDB (0 when the database is gone). */
const storedMessages = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const request = indexedDB.open('parley');
        request.onerror = () => reject(request.error);
        request.onupgradeneeded = () => request.transaction!.abort(); // no database: nothing stored
        request.onsuccess = () => {
          const db = request.result;
          if (!db.objectStoreNames.contains('messages')) return (db.close(), resolve(0));
          const count = db.transaction('messages').objectStore('messages').count();
          count.onsuccess = () => (db.close(), resolve(count.result));
        };
      }).catch(() => 0),
  );

test("a logout hook's window.parley.forget() deletes what was stored, on a page where the chat never opened, and where the bot never loads", async ({ page }) => {
  for (const where of ['/e2e/interaction.html', '/e2e/broken-bot.html']) {
    await page.goto('/e2e/plain.html');
    await openChat(page);
    await ask(page, 'where is my order B77777');
    await expect.poll(() => storedMessages(page), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.goto(where);
    await page.waitForFunction(() => typeof window.parley?.forget === 'function');
    const outcome = await page.evaluate(() => window.parley!.forget().then(() => 'forgotten', (error: unknown) => `failed: ${String(error)}`));
    expect(outcome, where).toBe('forgotten');
    expect(await storedMessages(page), where).toBe(0);
  }
});

test('without IndexedDB the chat works and says it will not be kept', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(IDBFactory.prototype, 'open', {
      value: () => {
        throw new DOMException('The user denied permission to access the database.', 'SecurityError');
      },
    });
  });
  await page.goto('/e2e/plain.html');
  await openChat(page);
  await expect(transcript(page).getByText('can’t be saved on this device', { exact: false })).toBeVisible();
  await ask(page, 'I want a refund');
  await expect(lastBotMessage(page)).toContainText('order number');
});
