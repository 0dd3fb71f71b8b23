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

import { readFileSync } from 'node:fs';
import type { APIRequestContext } from '@playwright/test';

/** The demo API key the seed wrote for this test run. */
export function apiKey(): string {
  const text = readFileSync(`${process.env.E2E_DATA_DIR}/demo-credentials.txt`, 'utf8');
  const m = /API key:\s+(\S+)/.exec(text);
  if (!m) throw new Error('no API key in the demo credentials');
  return m[1];
}

/** Creates a payment through the payment API and returns its object. */
export async function createPayment(request: APIRequestContext, body: Record<string, unknown>) {
  const res = await request.post('/api/v1/payments', {
    headers: { Authorization: `Bearer ${apiKey()}`, 'Idempotency-Key': `e2e-${Date.now()}-${Math.random()}` },
    data: { type: 'ecom', currency: 'RUB', return_url: 'https://shop.example/return', ...body },
  });
  expect(res.status()).toBe(201);
  return res.json();
}

export async function getPayment(request: APIRequestContext, id: string) {
  const res = await request.get(`/api/v1/payments/${id}`, { headers: { Authorization: `Bearer ${apiKey()}` } });
  return res.json();
}

/** The shop's return page, answered inside the browser: nothing leaves the machine. */
export async function fakeShop(page: Page) {
  await page.context().route('https://shop.example/**', (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>Магазин</h1>' }));
}
