import { expect, test } from './fixtures';
import { ask, lastBotMessage, openChat, transcript, waitForModelReady } from './helpers';

test('works under a strict Content-Security-Policy with no violation reported', async ({ page }) => {
  await page.addInitScript(() => {
    const violations: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = violations;
    document.addEventListener('securitypolicyviolation', (event) => violations.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  const refused: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
  });

  const response = await page.goto('/e2e/strict-csp.html');
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  await openChat(page);
  // The model runs (its worker is not under the page's policy) and the engine answers.
  await page.getByRole('button', { name: 'Request a refund' }).click();
  await expect(lastBotMessage(page)).toContainText('order number');
  await ask(page, 'what can you do?');
  await expect(transcript(page)).toContainText('help centre');
  await expect(transcript(page).getByRole('link', { name: 'help centre' })).toHaveAttribute('target', '_blank');
  // The full model (onnxruntime's wasm) loads under this policy too, before no violation is checked.
  await waitForModelReady(page);

  // Styles applied (constructed stylesheets are not blocked by style-src).
  const launcherBackground = await page.locator('parley-widget').evaluate(
    (host) => getComputedStyle(host.shadowRoot!.querySelector('.launcher')!).backgroundColor,
  );
  expect(launcherBackground).toBe('rgb(29, 78, 216)');
  expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
  expect(refused).toEqual([]);
});
