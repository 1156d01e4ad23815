import { expect, test } from '@playwright/test';
import { composer, openChat, transcript } from './helpers';

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
  await page.getByRole('button', { name: 'Request a refund' }).click();
  await expect(transcript(page).getByRole('link', { name: 'refund policy' })).toHaveAttribute('target', '_blank');
  await composer(page).fill('hello');
  await composer(page).press('Enter');
  await expect(transcript(page).getByText('Sorry, I can only help with these topics', { exact: false })).toBeVisible();

  // Styles applied (constructed stylesheets are not blocked by style-src).
  const launcherBackground = await page.locator('parley-widget').evaluate(
    (host) => getComputedStyle(host.shadowRoot!.querySelector('.launcher')!).backgroundColor,
  );
  expect(launcherBackground).toBe('rgb(29, 78, 216)');
  expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
  expect(refused).toEqual([]);
});
