import { expect, test } from '@playwright/test';
import { createPayment, getPayment, signIn, watchForErrors } from './helpers';

const card = { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123', holder: 'IVAN IVANOV' };

test('«Вернуть» refunds part of a payment after a confirmation, and the timeline shows it', async ({ page, request }) => {
  const problems = watchForErrors(page);
  const p = await createPayment(request, { amount: '1000.00', card });
  expect(p.status).toBe('succeeded');
  await signIn(page);
  await page.goto(`/transactions/${p.id}`);
  const refund = page.getByTestId('refund');
  await expect(refund).toContainText('Доступно к возврату: 1 000,00 ₽');
  await refund.getByRole('button', { name: 'Вернуть' }).click();
  await refund.getByLabel('Сумма возврата, ₽').fill('400,00');
  await refund.getByLabel('Причина').fill('Возврат товара');
  // Declining the confirmation refunds nothing.
  page.once('dialog', (d) => d.dismiss());
  await refund.getByRole('button', { name: 'Вернуть' }).click();
  expect((await getPayment(request, p.id)).refunded_amount).toBe('0.00');
  page.once('dialog', (d) => {
    expect(d.message()).toMatch(/^Вернуть плательщику 400,00\s₽\?$/);
    d.accept();
  });
  await refund.getByRole('button', { name: 'Вернуть' }).click();
  await expect(page.locator('.status-partially_refunded').first()).toHaveText('Частичный возврат');
  await expect(page.getByTestId('refund')).toContainText('Доступно к возврату: 600,00 ₽');
  await expect(page.locator('.timeline')).toContainText('Частичный возврат');
  await expect(page.getByRole('heading', { name: 'Возвраты' })).toBeVisible();
  const after = await getPayment(request, p.id);
  expect([after.status, after.refunded_amount]).toEqual(['partially_refunded', '400.00']);
  expect(problems).toEqual([]);
});
