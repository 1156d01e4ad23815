import { expect, test } from './fixtures';
import { ask, lastBotMessage, OPENING_HOURS, openChat, transcript, waitForReplyTo, watchForErrors } from './helpers';

test('embeds with one script tag on a plain page and answers the menu', async ({ page }) => {
  const errors = watchForErrors(page);
  await page.goto('/e2e/plain.html');
  await openChat(page);
  await page.getByRole('button', { name: 'Plans and pricing' }).click();
  await expect(transcript(page).getByRole('listitem').filter({ hasText: 'Pro' })).toBeVisible();
  await expect(transcript(page).locator('strong', { hasText: 'Enterprise' })).toBeVisible();

  // Out of scope: the fallback says what the bot can do, and the menu is offered again.
  await ask(page, 'what is the meaning of life?');
  await expect(lastBotMessage(page)).toContainText('Order status, Password reset, Refunds');
  await expect(page.getByRole('group', { name: 'Suggested replies' }).getByRole('button')).toHaveCount(6);
  expect(errors).toEqual([]);
});

test('the demo store page embeds the widget exactly as a customer would', async ({ page }) => {
  const errors = watchForErrors(page, [/favicon/]);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Gear that goes the distance' })).toBeVisible();
  await openChat(page);
  await page.getByRole('button', { name: 'Where is my order?' }).click();
  await expect(lastBotMessage(page)).toContainText('order number');
  expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
});

test('shows the launcher at once and fetches the rest only when the visitor shows interest', async ({ page }) => {
  const widgetRequests: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/parley-widget.js') || request.url().endsWith('/bot.json')) widgetRequests.push(request.url());
  });
  await page.goto('/e2e/interaction.html');
  const launcher = page.getByRole('button', { name: 'Ouvrir la discussion' });
  await expect(launcher).toBeVisible();
  await page.waitForTimeout(500);
  expect(widgetRequests).toEqual([]);

  await launcher.hover();
  // The widget and the bot (the model's worker may fetch bot.json too, from the HTTP cache).
  await expect.poll(() => new Set(widgetRequests.map((url) => new URL(url).pathname)).size).toBe(2);
  await launcher.click();
  // French strings, and black text on the light brand colour for contrast.
  await expect(page.getByRole('textbox', { name: 'Saisissez votre message' })).toBeFocused();
  const headerColor = await page.locator('parley-widget').evaluate((host) => getComputedStyle(host.shadowRoot!.querySelector('.header')!).color);
  expect(headerColor).toBe('rgb(0, 0, 0)');
});

test('is safe to include twice: one widget, and a warning for the site owner', async ({ page }) => {
  const warnings: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'warning') warnings.push(message.text());
  });
  await page.goto('/e2e/twice.html');
  await openChat(page);
  await expect(page.locator('parley-widget')).toHaveCount(1);
  expect(warnings.some((w) => w.includes('included more than once'))).toBe(true);
});

test('a bot that cannot load shows a clear banner, and the console says what failed', async ({ page }) => {
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await page.goto('/e2e/broken-bot.html');
  await page.getByRole('button', { name: 'Open chat' }).click();
  await expect(page.getByRole('alert')).toContainText('The assistant could not load');
  expect(consoleErrors.some((e) => e.includes('/models/does-not-exist/bot.json answered 404'))).toBe(true);
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('the page controls the widget through window.parley, before and after it loads', async ({ page }) => {
  await page.goto('/e2e/interaction.html');
  const events = await page.evaluate(async () => {
    const seen: string[] = [];
    window.parley!.on('open', () => seen.push('open'));
    window.parley!.on('message', (message) => seen.push(`${message.from}:${message.text.slice(0, 12)}`));
    window.parley!.on('feedback', ({ rating }) => seen.push(`feedback:${rating}`));
    window.parley!.open();
    await window.parley!.send('Opening hours');
    return seen;
  });
  expect(events.slice(0, 3)).toEqual(['open', "bot:Hi, I'm **Ac", 'user:Opening hour']);
  await waitForReplyTo(page, 'Opening hours'); // as long as understanding takes to load, then the answer
  await expect(lastBotMessage(page)).toContainText(OPENING_HOURS);
  await page.getByRole('button', { name: 'Utile' }).last().click();
  await expect(page.getByRole('button', { name: 'Utile' }).last()).toHaveAttribute('aria-pressed', 'true');
  const feedback = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        window.parley!.on('feedback', ({ rating }) => resolve(rating));
        (document.querySelector('parley-widget')!.shadowRoot!.querySelector('.feedback button:last-child') as HTMLButtonElement).click();
      }),
  );
  expect(feedback).toBe('down');
});

test('options set position, title, avatar, greeting, theme and font', async ({ page }) => {
  await page.goto('/e2e/left.html');
  const launcher = page.getByRole('button', { name: 'Open chat' });
  const box = await launcher.boundingBox();
  expect(box?.x).toBe(20);
  await launcher.click();
  const dialog = page.getByRole('dialog', { name: 'Ask Acme' });
  await expect(dialog).toBeVisible();
  expect((await dialog.boundingBox())?.x).toBe(20);
  await expect(dialog.locator('img.avatar')).toHaveAttribute('src', '/img/lamp.svg');
  await expect(dialog.locator('.message--bot strong')).toHaveText('Acme');
  const look = await dialog.evaluate((panel) => ({ background: getComputedStyle(panel).backgroundColor, font: getComputedStyle(panel).fontFamily }));
  expect(look).toEqual({ background: 'rgb(17, 24, 39)', font: 'Georgia, serif' });
});

test('if the widget chunk fails to load, the launcher stays and the next click tries again', async ({ page }) => {
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await page.route('**/parley-widget.js', (route) => route.abort('connectionfailed'));
  await page.goto('/e2e/interaction.html');
  const launcher = page.getByRole('button', { name: 'Ouvrir la discussion' });
  await launcher.click();
  await expect.poll(() => consoleErrors.some((e) => e.includes('Could not load') && e.includes('parley-widget.js'))).toBe(true);
  await expect(launcher).not.toHaveAttribute('aria-busy');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  await page.unroute('**/parley-widget.js');
  await launcher.click();
  await expect(page.getByRole('textbox', { name: 'Saisissez votre message' })).toBeFocused();
});
