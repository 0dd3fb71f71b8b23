import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { signIn, watchForErrors } from './helpers';

test('reports: month and year charts, cards, dashboards and the xlsx download', async ({ page }) => {
  const problems = watchForErrors(page);
  await signIn(page);
  await page.getByRole('link', { name: 'Отчетность' }).click();
  await expect(page.getByRole('heading', { name: 'График транзакций' })).toBeVisible();
  // The demo has a year of history: this month has operations.
  await expect(page.getByTestId('volume')).toContainText('₽');
  await expect(page.getByTestId('average')).not.toContainText('0,00 ₽');
  const bars = page.getByTestId('chart').locator('svg rect');
  await expect(bars.first()).toBeVisible();
  const monthBars = await bars.count();
  await expect(page.getByTestId('by-status')).toContainText('Успешно');
  await expect(page.getByTestId('by-type')).toContainText('ECOM');
  // The figures on the screen agree: the executed statuses add up to the count card.
  const number = async (l: import('@playwright/test').Locator) => Number((await l.innerText()).replace(/\s/g, ''));
  const count = await number(page.getByTestId('count').locator('.stat-value'));
  let executed = 0;
  for (const label of ['Успешно', 'Частичный возврат', 'Возврат']) {
    const row = page.getByTestId('by-status').locator('.meter', { has: page.locator('.status', { hasText: new RegExp(`^${label}$`) }) });
    if (await row.count()) executed += await number(row.locator('.num'));
  }
  expect(executed).toBe(count);

  await page.locator('select[name=period]').selectOption('year');
  await expect(page.getByTestId('period-picker')).toHaveText(/^\d{4} ∨$/);
  await expect(page.getByTestId('chart').locator('svg')).toContainText(/янв|фев|мар|апр|май|июн|июл|авг|сен|окт|ноя|дек/);
  expect(await bars.count()).not.toEqual(monthBars);

  // «Сформировать отчет» opens the report's own filter, starting from the year on screen.
  await page.getByRole('button', { name: 'Сформировать отчет' }).click();
  const dialog = page.getByRole('dialog', { name: 'Сформировать отчет' });
  await expect(dialog.locator('input[name=report-from]')).toHaveValue(/^\d{4}-01-01$/);
  await dialog.locator('select[name=report-status]').selectOption('succeeded');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    dialog.getByRole('button', { name: 'Скачать xlsx' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^clickpay-transactions-\d{4}-01-01-\d{4}-12-31\.xlsx$/);
  const bytes = readFileSync(await download.path());
  expect(bytes.subarray(0, 2).toString()).toBe('PK');
  expect(bytes.length).toBeGreaterThan(10_000);
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Сформировать отчет' })).toBeEnabled();
  expect(problems).toEqual([]);
});
