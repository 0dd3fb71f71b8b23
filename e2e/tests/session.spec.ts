import { expect, test } from '@playwright/test';
import { PASSWORD, PARTNER, signIn } from './helpers';

test('an expired session returns to the login page, says so, and comes back after sign-in', async ({ page }) => {
  await signIn(page);
  await page.goto('/transactions');
  await expect(page.getByRole('heading', { name: 'Список транзакций' })).toBeVisible();
  // The session ends behind the page's back (expired, revoked elsewhere).
  await page.context().clearCookies();
  await page.getByRole('link', { name: 'Отчетность' }).click();
  await page.waitForURL(/\/login\?expired=1&next=%2Freports/);
  await expect(page.getByTestId('expired')).toHaveText('Сессия истекла — войдите снова');
  await page.locator('input[name=identifier]').fill(PARTNER.login);
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.waitForURL(/\/reports$/);
  await expect(page.getByRole('heading', { name: 'График транзакций' })).toBeVisible();
});

test('a deep link without a session goes through the login page and lands where it pointed', async ({ page }) => {
  await page.goto('/organizations');
  await page.waitForURL(/\/login\?next=%2Forganizations/);
  await expect(page.getByTestId('expired')).toHaveCount(0);
  await page.locator('input[name=identifier]').fill(PARTNER.login);
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.waitForURL(/\/organizations$/);
});

test('a server failure reads «Сервис временно недоступен» with «Повторить», and retrying loads the page', async ({ page }) => {
  await signIn(page);
  let fail = true;
  await page.route(/\/cabinet\/api\/v1\/transactions(\?|$)/, (route) =>
    fail ? route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":{"type":"api_error","code":"unavailable","message":"x"}}' }) : route.continue());
  await page.goto('/transactions');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Сервис временно недоступен');
  fail = false;
  await alert.getByRole('button', { name: 'Повторить' }).click();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.locator('table')).toBeVisible();
});
