import { expect, test } from '@playwright/test';
import { PARTNER, PASSWORD, watchForErrors } from './helpers';

test.use({ httpCredentials: { username: PARTNER.login, password: PASSWORD } });

test('the API docs render in Swagger UI behind Basic auth, in Russian, with the test cards', async ({ page }) => {
  const problems = watchForErrors(page);
  await page.goto('/partners/docs');
  await expect(page.getByText('ClickPay: платёжный API').first()).toBeVisible();
  await expect(page.getByText('Двухстадийные платежи').first()).toBeVisible();
  await expect(page.getByText('4000 0000 0000 3220').first()).toBeVisible();
  await expect(page.locator('.opblock-summary-path', { hasText: '/api/v1/payments' }).first()).toBeVisible();
  await expect(page.locator('.opblock-summary-description', { hasText: 'Списать заблокированную сумму' })).toBeVisible();
  expect(problems).toEqual([]);
});

test('the English API docs sit beside the Russian ones', async ({ page }) => {
  const problems = watchForErrors(page);
  await page.goto('/partners/docs/en/');
  await expect(page.getByText('ClickPay payment API').first()).toBeVisible();
  await expect(page.getByText('Guide: two-stage payments').first()).toBeVisible();
  await expect(page.getByText('4000 0000 0000 3220').first()).toBeVisible();
  await expect(page.locator('.opblock-summary-path', { hasText: '/api/v1/payments' }).first()).toBeVisible();
  await expect(page.locator('.opblock-summary-description', { hasText: 'Cancel a two-stage payment' })).toBeVisible();
  expect(problems).toEqual([]);
});
