import { expect, test, type APIRequestContext } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { PASSWORD } from './helpers';

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) of a base32 secret, computed here as an app would. */
function totp(secret: string, at = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return code.toString().padStart(6, '0');
}

/** A partner of its own for this test, created by staff through the admin API. */
async function freshPartner(request: APIRequestContext): Promise<string> {
  const login = await request.post('/cabinet/api/v1/auth/login', {
    data: { method: 'login', identifier: 'admin', password: PASSWORD },
  });
  const token = (await login.json()).token;
  const name = `tfa${Date.now()}`;
  const res = await request.post('/cabinet/api/v1/admin/users', {
    headers: { Authorization: `Bearer ${token}` },
    data: { login: name, full_name: 'Двухфакторный Пользователь', password: 'Very-Long-Passw0rd!', role: 'partner' },
  });
  expect(res.status()).toBe(201);
  return name;
}

async function passwordStep(page: import('@playwright/test').Page, login: string) {
  await page.goto('/login');
  await page.locator('input[name=identifier]').fill(login);
  await page.locator('input[name=password]').fill('Very-Long-Passw0rd!');
  await page.getByRole('button', { name: 'Войти' }).click();
}

test('a user enrolls TOTP with the QR page, keeps recovery codes, and signs in with a code', async ({ page, request }) => {
  const login = await freshPartner(request);
  await passwordStep(page, login);
  await expect(page.getByTestId('user-name')).toBeVisible();
  await page.getByRole('link', { name: 'Безопасность' }).click();
  const card = page.getByTestId('two-factor');
  await card.getByLabel('Текущий пароль').fill('Very-Long-Passw0rd!');
  await card.getByRole('button', { name: 'Включить' }).click();
  await expect(card.getByTestId('qr').locator('svg')).toBeVisible();
  const secret = (await card.getByTestId('totp-secret').innerText()).trim();
  await card.getByLabel('Код из приложения').fill(totp(secret));
  await card.getByRole('button', { name: 'Подтвердить' }).click();
  const codes = card.getByTestId('recovery-codes').locator('li');
  await expect(codes).toHaveCount(10);
  const recovery = (await codes.first().innerText()).trim();

  // Sign out; the password alone is no longer enough.
  await page.getByRole('button', { name: 'Выход' }).click();
  await passwordStep(page, login);
  await expect(page.getByText('Введите код из приложения-аутентификатора или резервный код.')).toBeVisible();
  await page.getByLabel('Код подтверждения').fill('000000');
  await page.getByRole('button', { name: 'Подтвердить' }).click();
  await expect(page.getByRole('alert')).toContainText('Неверный код');
  await page.getByLabel('Код подтверждения').fill(recovery);
  await page.getByRole('button', { name: 'Подтвердить' }).click();
  await expect(page.getByTestId('user-name')).toBeVisible();
  // The recovery code was spent: one fewer is left.
  await page.getByRole('link', { name: 'Безопасность' }).click();
  await expect(page.getByTestId('two-factor')).toContainText('Неиспользованных резервных кодов: 9');
});
