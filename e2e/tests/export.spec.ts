import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { signIn } from './helpers';

test('«Выгрузить в Excel» exports the current filter in the background and offers the file', async ({ page }) => {
  await signIn(page);
  const from = new Date(Date.now() - 10 * 86400_000).toISOString().slice(0, 10);
  await page.goto(`/transactions?from=${from}&status=succeeded`);
  await expect(page.locator('table.transactions tbody tr').first()).toBeVisible();
  await page.getByRole('button', { name: 'Выгрузить в Excel' }).click();
  const status = page.getByTestId('export');
  await expect(status).toContainText('Файл готов', { timeout: 30000 });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    status.getByRole('link', { name: 'Скачать' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
  const bytes = readFileSync(await download.path());
  expect(bytes.subarray(0, 2).toString()).toBe('PK');
});
