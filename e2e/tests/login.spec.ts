import { expect, test } from '@playwright/test';
import { PARTNER, PASSWORD, signIn, watchForErrors } from './helpers';

test('the login page renders under the real CSP with its three tabs', async ({ page }) => {
  const problems = watchForErrors(page);
  const res = await page.goto('/login');
  const csp = res?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval' 'sha256-");
  expect(csp).not.toContain("'unsafe-eval'");
  await expect(page.getByRole('heading', { name: 'Вход' })).toBeVisible();
  for (const tab of ['По логину', 'По телефону', 'По Email']) {
    await expect(page.getByRole('tab', { name: tab })).toBeVisible();
  }
  await expect(page.getByRole('button', { name: 'Войти' })).toBeVisible();
  expect(problems).toEqual([]);
});

test('the eye shows and hides the password', async ({ page }) => {
  await page.goto('/login');
  const pwd = page.locator('input[name=password]');
  await pwd.fill('secret');
  await expect(pwd).toHaveAttribute('type', 'password');
  await page.getByRole('button', { name: 'Показать пароль' }).click();
  await expect(pwd).toHaveAttribute('type', 'text');
  await page.getByRole('button', { name: 'Скрыть пароль' }).click();
  await expect(pwd).toHaveAttribute('type', 'password');
});

for (const [tab, identifier] of [
  ['По логину', PARTNER.login],
  ['По телефону', '+7 (999) 000-00-01'],
  ['По Email', PARTNER.email],
] as const) {
  test(`the demo partner signs in ${tab}, sees their name and signs out`, async ({ page }) => {
    const problems = watchForErrors(page);
    await signIn(page, tab, identifier);
    await expect(page.getByTestId('user-name')).toContainText(PARTNER.name);
    await expect(page).toHaveURL(/\/transactions$/);
    await page.getByRole('button', { name: 'Выход' }).click();
    await expect(page).toHaveURL(/\/login$/);
    // The session is gone on the server too: a deep link sends the browser back to the login
    // page, which will return there after signing in.
    await page.goto('/organizations');
    await expect(page).toHaveURL(/\/login\?next=%2Forganizations$/);
    expect(problems).toEqual([]);
  });
}

test('wrong credentials show one Russian message that mentions the lock and the manager', async ({ page }) => {
  await page.goto('/login');
  await page.locator('input[name=identifier]').fill(PARTNER.login);
  await page.locator('input[name=password]').fill('Wrong-password-1');
  await page.getByRole('button', { name: 'Войти' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Неверный логин или пароль');
  await expect(alert).toContainText('обратитесь к менеджеру');
  await page.locator('input[name=identifier]').fill('no-such-user');
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(alert).toContainText('Неверный логин или пароль');
  expect(PASSWORD).not.toEqual('');
});
