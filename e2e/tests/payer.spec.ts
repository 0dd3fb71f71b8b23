import { expect, test } from '@playwright/test';
import { createPayment, fakeShop, getPayment } from './helpers';

const card3ds = { number: '4000000000003220', exp_month: 12, exp_year: 2030, cvc: '123', holder: 'IVAN IVANOV' };

test('3-D Secure: the right code pays and returns the payer to the shop', async ({ page, request }) => {
  await fakeShop(page);
  const p = await createPayment(request, { amount: '100.00', card: card3ds });
  expect(p.status).toBe('authentication');
  await page.goto(p.confirmation.url);
  await expect(page.getByRole('heading', { name: 'Подтверждение платежа' })).toBeVisible();
  await expect(page.getByTestId('amount')).toHaveText('100,00 ₽');
  await expect(page.getByText('ООО "МКК КЛИКСЕРВИС"')).toBeVisible();
  await page.getByLabel('Код подтверждения из SMS').fill('123456');
  await page.getByRole('button', { name: 'Подтвердить' }).click();
  await page.waitForURL(`https://shop.example/return?payment_id=${p.id}`);
  expect((await getPayment(request, p.id)).status).toBe('succeeded');
});

test('3-D Secure: a wrong code fails the payment', async ({ page, request }) => {
  await fakeShop(page);
  const p = await createPayment(request, { amount: '100.00', card: card3ds });
  await page.goto(p.confirmation.url);
  await page.getByLabel('Код подтверждения из SMS').fill('000000');
  await page.getByRole('button', { name: 'Подтвердить' }).click();
  await page.waitForURL(/payment_id=/);
  const failed = await getPayment(request, p.id);
  expect(failed.status).toBe('failed');
  expect(failed.error.code).toBe('authentication_failed');
});

async function fillCard(page: import('@playwright/test').Page, number: string) {
  await page.getByLabel('Номер карты').fill(number);
  await page.getByLabel('Срок действия').fill('1230');
  await page.getByLabel('CVC').fill('123');
  await page.getByLabel('Имя владельца').fill('IVAN IVANOV');
}

test('the hosted page pays with a success card', async ({ page, request }) => {
  await fakeShop(page);
  const p = await createPayment(request, { amount: '1500.00', description: 'Заказ №7' });
  expect(p.status).toBe('created');
  await page.goto(p.confirmation.url);
  await expect(page.getByTestId('amount')).toHaveText('1 500,00 ₽');
  await expect(page.getByLabel('Номер карты')).toHaveAttribute('autocomplete', 'cc-number');
  await expect(page.getByLabel('CVC')).toHaveAttribute('autocomplete', 'cc-csc');
  await fillCard(page, '4242424242424242');
  await expect(page.getByLabel('Номер карты')).toHaveValue('4242 4242 4242 4242');
  await expect(page.getByLabel('Срок действия')).toHaveValue('12/30');
  await page.getByRole('button', { name: /Оплатить/ }).click();
  await page.waitForURL(`https://shop.example/return?payment_id=${p.id}`);
  const paid = await getPayment(request, p.id);
  expect(paid.status).toBe('succeeded');
  expect(paid.card.mask).toBe('424242******4242');
});

test('the hosted page checks the card in the page before sending it', async ({ page, request }) => {
  const p = await createPayment(request, { amount: '10.00' });
  await page.goto(p.confirmation.url);
  await page.getByLabel('Номер карты').fill('4242424242424241');
  await page.getByLabel('Срок действия').fill('0120');
  await page.getByLabel('CVC').fill('12');
  await page.getByRole('button', { name: /Оплатить/ }).click();
  await expect(page.getByText('Проверьте номер карты.')).toBeVisible();
  await expect(page.getByText('Срок действия указан неверно или истёк.')).toBeVisible();
  await expect(page.getByText('Три цифры с обратной стороны карты.')).toBeVisible();
  expect((await getPayment(request, p.id)).status).toBe('created');
});

test('a declined card is shown on the hosted page and the payment fails', async ({ page, request }) => {
  const p = await createPayment(request, { amount: '10.00' });
  await page.goto(p.confirmation.url);
  await fillCard(page, '4000000000000002');
  await page.getByRole('button', { name: /Оплатить/ }).click();
  await expect(page.getByRole('status')).toContainText('Банк отклонил операцию по карте.');
  await expect(page.getByRole('link', { name: 'Вернуться в магазин' })).toBeVisible();
  const failed = await getPayment(request, p.id);
  expect(failed.status).toBe('failed');
  expect(failed.error.code).toBe('card_declined');
});

test('a 3-D Secure card on the hosted page continues to the challenge', async ({ page, request }) => {
  await fakeShop(page);
  const p = await createPayment(request, { amount: '10.00' });
  await page.goto(p.confirmation.url);
  await fillCard(page, '4000000000003220');
  await page.getByRole('button', { name: /Оплатить/ }).click();
  await expect(page.getByRole('heading', { name: 'Подтверждение платежа' })).toBeVisible();
  expect((await getPayment(request, p.id)).confirmation.url).toContain(`/3ds/${p.id}`);
  await page.getByLabel('Код подтверждения из SMS').fill('123456');
  await page.getByRole('button', { name: 'Подтвердить' }).click();
  await page.waitForURL(/payment_id=/);
  expect((await getPayment(request, p.id)).status).toBe('succeeded');
});

test('a double submit charges once', async ({ page, request, baseURL }) => {
  // Returning to a page of our own keeps the redirect after a double click deterministic.
  const p = await createPayment(request, { amount: '10.00', return_url: `${baseURL}/healthz` });
  await page.goto(p.confirmation.url);
  await fillCard(page, '4242424242424242');
  const button = page.getByRole('button', { name: /Оплатить/ });
  await button.dblclick();
  await page.waitForURL(/\/healthz\?payment_id=/);
  // And a replayed form post (the back button, a retry) after the payment went through.
  const again = await request.post(`/pay/${p.id}`, {
    form: { number: '4242424242424242', exp: '12/30', cvc: '123' }, maxRedirects: 0,
  });
  expect(again.status()).toBe(303);
  const list = await request.get(`/api/v1/payments?limit=100`, { headers: { Authorization: `Bearer ${(await import('./helpers')).apiKey()}` } });
  const mine = (await list.json()).data.filter((x: { id: string }) => x.id === p.id);
  expect(mine).toHaveLength(1);
  expect(mine[0].status).toBe('succeeded');
});
