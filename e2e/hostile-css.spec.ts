import { expect, test } from './fixtures';
import { ask, lastBotMessage, OPENING_HOURS, openChat } from './helpers';

test('renders and works on a page whose global CSS resets and hides everything', async ({ page }) => {
  await page.goto('/e2e/hostile-css.html');
  const launcher = page.getByRole('button', { name: 'Open chat' });
  await expect(launcher).toBeVisible();
  // The loader's placeholder launcher gives way to the widget's: measure whichever is there.
  await expect.poll(async () => JSON.stringify(await launcher.boundingBox().then((box) => box && [box.width, box.height]))).toBe('[56,56]');

  await openChat(page);
  await ask(page, 'Opening hours'); // as long as understanding takes to load, then the answer
  await expect(lastBotMessage(page)).toContainText(OPENING_HOURS);

  // The page's font and colours do not leak in.
  const style = await page.locator('parley-widget').evaluate((host) => {
    const bubble = host.shadowRoot!.querySelector('.message--bot .bubble')!;
    const computed = getComputedStyle(bubble);
    return { fontSize: computed.fontSize, color: computed.color, fontFamily: computed.fontFamily };
  });
  expect(style.fontSize).toBe('15px');
  expect(style.fontFamily).not.toContain('Comic Sans');
  expect(style.color).not.toBe('rgb(0, 255, 0)');
});

test("the widget's CSS does not leak into the page", async ({ page }) => {
  await page.goto('/e2e/plain.html');
  await openChat(page);
  const pageStyles = await page.evaluate(() => {
    const probe = document.createElement('button');
    probe.className = 'launcher send reply panel';
    document.body.append(probe);
    const computed = getComputedStyle(probe);
    return { position: computed.position, borderRadius: computed.borderRadius, sheets: document.styleSheets.length };
  });
  expect(pageStyles).toEqual({ position: 'static', borderRadius: '0px', sheets: 0 });
});
