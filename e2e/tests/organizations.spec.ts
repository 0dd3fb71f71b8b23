import { expect, test } from '@playwright/test';
import { signIn } from './helpers';

test('the partner opens their organization and sees the manual’s fee table', async ({ page }) => {
  await signIn(page);
  await page.getByRole('link', { name: 'Организации' }).click();
  await expect(page.getByRole('heading', { name: 'Список организаций' })).toBeVisible();
  await page.getByRole('link', { name: 'ООО "МКК КЛИКСЕРВИС"' }).first().click();
  await expect(page.getByRole('heading', { name: 'ООО "МКК КЛИКСЕРВИС"' })).toBeVisible();
  await expect(page.getByText('07.04.2022')).toBeVisible();
  await expect(page.getByText(/^http:\/\/127\.0\.0\.1:\d+\/webhooks$/)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'АО БАНК «СНГБ»' })).toBeVisible();
  const rows = page.locator('table.terminals tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText(['AFT (списание)']);
  await expect(rows.nth(0)).toContainText('0.5%');
  await expect(rows.nth(0)).toContainText('0.95% (мин. 45 ₽)');
  await expect(rows.nth(1)).toContainText('OCT (перевод)');
  await expect(rows.nth(1)).toContainText('1.05% (мин. 45 ₽)');
  await expect(rows.nth(2)).toContainText('eCom (списание)');
  await expect(rows.nth(2)).toContainText('1.15% (мин. 45 ₽)');
  // The webhook secret stays hidden until revealed.
  await expect(page.getByText(/whsec_•/)).toBeVisible();
  await page.getByRole('button', { name: 'Показать' }).click();
  await expect(page.getByText(/^whsec_[A-Za-z0-9+/=]{40,}$/)).toBeVisible();
});

test('an unknown organization shows a clear not-found state', async ({ page }) => {
  await signIn(page);
  await page.goto('/organizations/00000000-0000-0000-0000-000000000000');
  await expect(page.getByRole('alert')).toContainText('нет к ней доступа');
});
