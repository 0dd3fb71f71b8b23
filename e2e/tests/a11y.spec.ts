import { expect, test } from '@playwright/test';
import { signIn } from './helpers';

test('the login tabs move with the arrow keys', async ({ page }) => {
  await page.goto('/login');
  const first = page.getByRole('tab', { name: 'По логину' });
  await first.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'По телефону' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tab', { name: 'По телефону' })).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('tab', { name: 'По Email' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Home');
  await expect(first).toHaveAttribute('aria-selected', 'true');
});

test('the dark theme follows the system setting', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/login');
  const light = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(light).toBe('rgb(244, 246, 251)');
  expect(dark).toBe('rgb(14, 20, 34)');
});

test('the chart has a table alternative and the month picker reads «Июнь, 2024»', async ({ page }) => {
  await signIn(page);
  await page.getByRole('link', { name: 'Отчетность' }).click();
  const picker = page.getByTestId('period-picker');
  await expect(picker).toHaveText(/^[А-Я][а-я]+, \d{4} ∨$/);
  await picker.click();
  await expect(picker).toHaveAttribute('aria-expanded', 'true');
  await page.getByRole('button', { name: 'Предыдущий год' }).click();
  await page.getByRole('button', { name: 'Июнь', exact: true }).click();
  const year = new Date().getFullYear() - 1;
  await expect(picker).toHaveText(`Июнь, ${year} ∨`);
  await picker.click();
  await expect(page.getByRole('button', { name: 'Июнь', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await picker.click();
  await page.getByText('Данные графика таблицей').click();
  await expect(page.getByTestId('chart-table').locator('tbody tr').first()).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Страницы' })).toHaveCount(0);
});

test('the manual’s details: «‹» folds the menu, /pay opens the cabinet, the chart counts too', async ({ page }) => {
  await signIn(page);
  const fold = page.getByRole('button', { name: 'Свернуть меню' });
  await fold.click();
  await expect(page.locator('.layout')).toHaveClass(/collapsed/);
  await expect(page.getByRole('button', { name: 'Развернуть меню' })).toHaveAttribute('aria-expanded', 'false');
  await page.getByRole('button', { name: 'Развернуть меню' }).click();
  await page.goto('/pay');
  await page.waitForURL(/\/transactions$/);
  await page.getByRole('link', { name: 'Отчетность' }).click();
  await page.getByRole('button', { name: 'Количество' }).click();
  await expect(page.getByRole('button', { name: 'Количество' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('chart').locator('svg rect').first()).toBeVisible();
});
