import { expect, type Page } from '@playwright/test';

export const PASSWORD = process.env.CLICKPAY_E2E_PASSWORD ?? '';
export const PARTNER = { login: 'partner', phone: '+79990000001', email: 'partner@clickpay.local', name: 'Тестовый пользователь' };

/** Fails the test on any CSP violation or uncaught page error. */
export function watchForErrors(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|CSP|wasm|panicked/i.test(msg.text())) problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(err.message));
  return problems;
}

export async function signIn(page: Page, tab: 'По логину' | 'По телефону' | 'По Email' = 'По логину', identifier = PARTNER.login) {
  await page.goto('/login');
  await page.getByRole('tab', { name: tab }).click();
  await page.locator('input[name=identifier]').fill(identifier);
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page.getByTestId('user-name')).toBeVisible();
}
