import { expect, test } from '@playwright/test';
import { PARTNER, PASSWORD, watchForErrors } from './helpers';

test.use({ httpCredentials: { username: PARTNER.login, password: PASSWORD } });

test('the API docs render in Swagger UI behind Basic auth, with the test cards', async ({ page }) => {
  const problems = watchForErrors(page);
  await page.goto('/partners/docs');
  await expect(page.getByText('ClickPay payment API').first()).toBeVisible();
  await expect(page.getByText('4000 0000 0000 3220').first()).toBeVisible();
  await expect(page.locator('.opblock-summary-path', { hasText: '/api/v1/payments' }).first()).toBeVisible();
  expect(problems).toEqual([]);
});
