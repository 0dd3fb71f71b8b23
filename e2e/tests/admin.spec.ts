import { expect, test } from '@playwright/test';
import { signIn, watchForErrors } from './helpers';

/** A fresh ИНН each run (10 digits), so reruns never collide. */
function inn(): string {
  return String(Date.now()).slice(-10);
}

test('staff create an organization with terminals, preview a fee, and issue a key shown once', async ({ page }) => {
  const problems = watchForErrors(page);
  await signIn(page, 'По логину', 'admin');
  await page.getByRole('link', { name: 'Организации (все)' }).click();
  await page.getByRole('button', { name: 'Создать организацию' }).click();
  const form = page.getByTestId('create-organization');
  const name = `ООО "Проверка ${Date.now()}"`;
  await form.getByLabel('Название организации').fill(name);
  await form.getByLabel('ИНН').fill(inn());
  await form.getByLabel('URL для нотификаций').fill('https://shop.example/hooks');
  await form.getByRole('button', { name: 'Создать' }).click();
  await expect(page.getByRole('heading', { name })).toBeVisible();

  // A refusal about one field is shown next to that field, with the server's own message.
  const details = page.getByTestId('organization-form');
  await details.getByLabel('ИНН').fill('12345');
  await details.getByRole('button', { name: 'Сохранить' }).click();
  const innField = details.locator('label.field', { has: page.locator('input[name="inn"]') });
  await expect(innField.getByRole('alert')).toHaveText('inn must be 10 or 12 digits');
  await expect(details.locator('input[name="inn"]')).toHaveAttribute('aria-invalid', 'true');
  await expect(details.locator('input[name="name"]')).toHaveAttribute('aria-invalid', 'false');
  await expect(details.locator('p.form-error')).toHaveCount(0);

  // The fee preview follows the server's rule as the tariff is typed: 1 000 at 1.15 % is below the 45 minimum.
  const ecom = page.getByTestId('terminal-ecom');
  await expect(ecom.getByTestId('fee-preview')).toContainText('45,00 ₽');
  await ecom.getByLabel('Пример суммы, ₽').fill('10000');
  await expect(ecom.getByTestId('fee-preview')).toContainText('115,00 ₽');
  await ecom.getByLabel('Комиссия сервиса, %').fill('1.55');
  await expect(ecom.getByTestId('fee-preview')).toContainText('200,00 ₽');
  await ecom.getByRole('button', { name: 'Сохранить' }).click();
  await expect(ecom.getByRole('status')).toHaveText('Сохранено.');

  const keys = page.getByTestId('keys');
  await keys.getByLabel('Название ключа').fill('Боевой');
  await keys.getByRole('button', { name: 'Выпустить ключ' }).click();
  const shown = keys.getByTestId('shown-once');
  await expect(shown).toContainText('Ключ показывается один раз');
  const key = await shown.getByTestId('secret-value').innerText();
  expect(key).toMatch(/^sk_live_/);
  await expect(keys.locator('table')).toContainText(key.slice(0, 14));
  // Listed by prefix only: after a reload the key itself is nowhere on the page.
  await page.reload();
  await expect(page.getByTestId('keys').locator('table')).toContainText('Боевой');
  await expect(page.getByText(key)).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('staff create a partner with «Возвраты», then reset the password and see it once', async ({ page }) => {
  await signIn(page, 'По логину', 'admin');
  await page.getByRole('link', { name: 'Пользователи' }).click();
  await page.getByRole('button', { name: 'Создать пользователя' }).click();
  const form = page.getByTestId('create-user');
  const login = `e2e${Date.now()}`;
  await form.getByLabel('Логин').fill(login);
  await form.getByLabel('ФИО').fill('Проверочный Пользователь');
  await form.getByLabel('Пароль').fill('Very-Long-Passw0rd!');
  await form.getByLabel('Возвраты').check();
  await form.getByText('ООО "МКК КЛИКСЕРВИС"').click();
  await form.getByRole('button', { name: 'Создать' }).click();
  const row = page.getByTestId(`user-${login}`);
  await expect(row).toContainText('Возвраты');
  page.once('dialog', (d) => d.accept());
  await row.getByRole('button', { name: 'Сбросить пароль' }).click();
  const shown = page.getByTestId('shown-once');
  await expect(shown).toContainText('Одноразовый пароль показывается один раз');
  expect((await shown.getByTestId('secret-value').innerText()).length).toBeGreaterThanOrEqual(12);
});

test('staff read the audit log with filters and open an entry', async ({ page }) => {
  await signIn(page, 'По логину', 'admin');
  await page.getByRole('link', { name: 'Журнал аудита' }).click();
  await expect(page.getByTestId('audit')).toBeVisible();
  await page.getByLabel('Действие').fill('login.');
  await page.getByRole('button', { name: 'Найти' }).click();
  await page.waitForURL(/action=login\./);
  const first = page.getByTestId('audit').locator('tbody tr').first();
  await expect(first).toContainText('login.');
  await first.click();
  await expect(page.locator('tr.details-row pre')).toBeVisible();
});
