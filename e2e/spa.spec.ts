import { expect, test } from './fixtures';

test('two widgets mounted in one SPA work independently', async ({ page }) => {
  await page.goto('/spa/');
  const sales = page.getByRole('region', { name: 'Sales chat' });
  const help = page.getByRole('region', { name: 'Help chat' });
  await expect(sales.getByText('Sales here.')).toBeVisible();
  await expect(help.getByText('Help here.')).toBeVisible();

  await sales.getByRole('textbox', { name: 'Type your message' }).fill('Pricing');
  await sales.getByRole('textbox', { name: 'Type your message' }).press('Enter');
  await expect(sales.getByText('All about Pricing.')).toBeVisible();
  await expect(help.locator('.message')).toHaveCount(1);

  await help.getByRole('button', { name: 'Returns' }).click();
  await expect(help.getByText('All about Returns.')).toBeVisible();
  await expect(sales.locator('.message')).toHaveCount(3);

  // Restarting one leaves the other alone; destroying one removes only it.
  await help.getByRole('button', { name: 'Recommencer la conversation' }).click();
  await expect(help.locator('.message')).toHaveCount(1);
  await expect(sales.locator('.message')).toHaveCount(3);
  await page.evaluate(() => window.widgets.help!.destroy());
  await expect(page.locator('parley-widget')).toHaveCount(1);
  await expect(sales.getByText('All about Pricing.')).toBeVisible();
});
