import { expect, test } from '@playwright/test';
import { signIn, watchForErrors } from './helpers';

test('«Интеграция»: a test notification is sent and shows in the delivery log; keys by prefix; the docs in the menu', async ({ page }) => {
  const problems = watchForErrors(page);
  await signIn(page);
  await expect(page.getByRole('link', { name: 'Документация API' })).toHaveAttribute('href', '/partners/docs/');
  await page.getByRole('link', { name: 'Организации' }).click();
  await page.getByRole('link', { name: 'ООО "МКК КЛИКСЕРВИС"' }).first().click();
  await page.getByRole('link', { name: 'Интеграция' }).click();
  await expect(page.getByRole('heading', { name: /^Интеграция · / })).toBeVisible();
  await expect(page.getByTestId('api-keys')).toContainText('sk_');
  await page.getByRole('button', { name: 'Отправить тестовое уведомление' }).click();
  await expect(page.getByTestId('test-sent')).toContainText('evt_');
  // The worker sends it within a moment; the log shows the test event.
  await expect(async () => {
    await page.getByRole('button', { name: 'Обновить' }).click();
    await expect(page.getByTestId('delivery-log').locator('tr', { hasText: 'test.webhook' }).first()).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15000 });
  expect(problems).toEqual([]);
});
