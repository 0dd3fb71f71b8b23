import { expect, test } from '@playwright/test';
import { createPayment, getPayment, signIn, watchForErrors } from './helpers';

const card = { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123', holder: 'IVAN IVANOV' };

test('«Списать» captures part of an authorized payment', async ({ page, request }) => {
  const problems = watchForErrors(page);
  const p = await createPayment(request, { amount: '10000.00', card, capture: false });
  expect(p.status).toBe('authorized');
  await signIn(page);
  await page.goto(`/transactions/${p.id}`);
  const hold = page.getByTestId('hold');
  await expect(hold.getByRole('heading', { name: 'Двухстадийный платёж' })).toBeVisible();
  await expect(page.locator('.status-authorized').first()).toHaveText('Авторизован');
  await expect(hold.getByText('Блокировка снимется автоматически')).toBeVisible();
  // Over the hold: the server refuses, and the page says why.
  await hold.getByLabel('Сумма списания, ₽').fill('10000,01');
  await hold.getByRole('button', { name: 'Списать' }).click();
  await expect(hold.getByRole('alert')).toHaveText('Сумма списания больше заблокированной суммы.');
  await hold.getByLabel('Сумма списания, ₽').fill('6000,00');
  await hold.getByRole('button', { name: 'Списать' }).click();
  await expect(page.getByTestId('hold')).toHaveCount(0);
  await expect(page.locator('.status-succeeded').first()).toHaveText('Успешно');
  await expect(page.getByTestId('captured')).toHaveText('6 000,00 ₽');
  await expect(page.getByTestId('fee')).toHaveText('69,00 ₽');
  const captured = await getPayment(request, p.id);
  expect([captured.status, captured.captured_amount]).toEqual(['succeeded', '6000.00']);
  expect(problems).toEqual([]);
});

test('«Отменить» releases the hold after a confirmation', async ({ page, request }) => {
  const p = await createPayment(request, { amount: '250.00', card, capture: false });
  await signIn(page);
  await page.goto(`/transactions/${p.id}`);
  const hold = page.getByTestId('hold');
  // Declining the confirmation changes nothing.
  page.once('dialog', (d) => d.dismiss());
  await hold.getByRole('button', { name: 'Отменить' }).click();
  await expect(hold).toBeVisible();
  expect((await getPayment(request, p.id)).status).toBe('authorized');
  page.once('dialog', (d) => d.accept());
  await hold.getByRole('button', { name: 'Отменить' }).click();
  await expect(page.getByTestId('hold')).toHaveCount(0);
  await expect(page.locator('.status-canceled').first()).toHaveText('Отменён');
  await expect(page.getByTestId('fee')).toHaveText('0,00 ₽');
  expect((await getPayment(request, p.id)).status).toBe('canceled');
});
