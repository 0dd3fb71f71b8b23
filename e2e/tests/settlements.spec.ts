import { expect, test } from '@playwright/test';
import { signIn, watchForErrors } from './helpers';

test('the partner sees the balance and downloads a day’s statement from «Взаиморасчёты»', async ({ page }) => {
  const problems = watchForErrors(page);
  await signIn(page);
  // The organization's page: «Баланс», with what is available and what is pending.
  await page.getByRole('link', { name: 'Организации' }).click();
  await page.getByRole('link', { name: 'ООО "МКК КЛИКСЕРВИС"' }).first().click();
  const balance = page.getByTestId('balance');
  await expect(balance.getByRole('heading', { name: 'Баланс' })).toBeVisible();
  await expect(balance).toContainText('Доступно');
  await expect(balance).toContainText('Ожидает зачисления');
  await expect(balance).toContainText(/\d,\d\d\s₽/);
  await balance.getByRole('link', { name: 'Все выписки' }).click();

  // Every day of the last month has its statement (the demo has a year of history), each
  // opening with the day before's closing balance.
  await expect(page.getByRole('heading', { name: 'Взаиморасчёты' })).toBeVisible();
  const table = page.getByTestId('statements');
  const rows = table.locator('tbody tr');
  // The statements worker builds the demo's year on the server's start: wait for it if needed.
  await expect(async () => {
    await page.reload();
    await expect(rows.first()).toBeVisible({ timeout: 3000 });
  }).toPass({ timeout: 60000 });
  expect(await rows.count()).toBeGreaterThan(20);
  for (let i = 1; i < 4; i++) {
    const closing = await rows.nth(i - 1).locator('td').nth(5).innerText();
    const opening = await rows.nth(i).locator('td').nth(0).innerText();
    expect(opening).toBe(closing);
  }
  await expect(table.locator('tfoot')).toContainText('Итого за период');

  // A day's xlsx: «Акт сверки» and «Реестр».
  const last = rows.last();
  const day = await last.locator('th').innerText();
  const link = last.getByRole('link', { name: `Скачать выписку за ${day}` });
  await expect(link).toHaveAttribute('download', '');
  // Fetched with the page's own session, as the link's click downloads it.
  const file = await page.request.get((await link.getAttribute('href'))!);
  expect(file.status()).toBe(200);
  expect(file.headers()['content-disposition']).toMatch(/filename="statement-\d{10,12}-\d{4}-\d\d-\d\d\.xlsx"/);
  expect((await file.body()).subarray(0, 2).toString()).toBe('PK');

  // A narrower period through the date fields, kept in the URL.
  await page.getByLabel('С', { exact: true }).fill('2020-01-01');
  await page.getByLabel('По', { exact: true }).fill('2020-01-31');
  await page.getByLabel('По', { exact: true }).dispatchEvent('change');
  await expect(page).toHaveURL(/to=2020-01-31/);
  await expect(page.getByText('За выбранный период выписок нет')).toBeVisible();
  expect(problems).toEqual([]);
});
