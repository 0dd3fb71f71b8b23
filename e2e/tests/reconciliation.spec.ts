import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createPayment, signIn, watchForErrors } from './helpers';

/** The sandbox bank of this run: the gateway's port + 1. */
const BANK = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 38080) + 1}`;

/** Today in Moscow, `YYYY-MM-DD`: reconciliation's days are Moscow days. */
function moscowToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow' }).format(new Date());
}

/** A Luhn-valid card nobody else uses (it succeeds), so a bank fault can be scoped to it. */
function uniqueCard(): string {
  const body = `55${String(Date.now()).slice(-8)}${String(Math.floor(Math.random() * 100000)).padStart(5, '0')}`;
  const digits = body.split('').map(Number);
  const sum = digits.reverse().reduce((s, d, i) => s + (i % 2 === 0 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d), 0);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

test('staff run a day\'s reconciliation, resolve what the bank\'s file lacks with a comment, and download it', async ({ page, request }) => {
  test.setTimeout(60_000);
  const problems = watchForErrors(page);
  // The bank books this card's payment and answers it, but leaves its line out of the register.
  const card = uniqueCard();
  const rule = await request.put(`${BANK}/faults/e2e-recon-${card}`, { data: { cards: [card], omit_from_register_rate: 1 } });
  expect(rule.status()).toBe(200);
  const payment = await createPayment(request, {
    amount: '321.00', card: { number: card, exp_month: 12, exp_year: 2030, cvc: '123' },
  });
  expect(payment.status).toBe('succeeded');

  // Staff land on their home page: yesterday's reconciliation at a glance, and the way to «Сверка».
  await signIn(page, 'По логину', 'admin');
  const glance = page.getByTestId('reconciliation-glance');
  await expect(glance).toContainText('Сверка с банком за');
  await expect(glance).toContainText('Открытых расхождений за все дни');
  await glance.getByRole('link', { name: 'Открыть сверку' }).click();
  await expect(page.getByRole('heading', { name: 'Сверка с банком' })).toBeVisible();
  await expect(page.getByTestId('grace')).toContainText('Окно допуска у полуночи — 10 мин.');

  const today = moscowToday();
  await page.locator('input[name=day]').fill(today);
  await page.waitForURL(new RegExp(`day=${today}`));
  await page.getByRole('button', { name: 'Запустить сверку' }).click();
  const result = page.getByTestId('day-result');
  await expect(result.getByTestId('run-status')).toHaveText('Завершена', { timeout: 30_000 });
  await expect(result).toContainText('Вручную (admin)');

  const row = page.getByTestId(`discrepancy-${payment.id}`);
  await expect(row).toContainText('Нет в реестре банка');
  await expect(row).toContainText('нет записи');
  await expect(row).toContainText('321,00');
  await row.getByRole('button', { name: `Отметить решённым ${payment.id}` }).click();
  const form = page.getByTestId('resolve-form');
  const comment = form.getByLabel('Комментарий');
  // A comment is required: the server's refusal is shown under the field.
  await form.getByRole('button', { name: 'Сохранить' }).click();
  await expect(form.getByRole('alert')).toHaveText('comment must be 1-1000 characters');
  await expect(comment).toHaveAttribute('aria-invalid', 'true');
  await comment.fill('Банк пришлёт исправленный реестр');
  await form.getByRole('button', { name: 'Сохранить' }).click();
  const closed = page.getByTestId(`closed-${payment.id}`);
  await expect(closed).toContainText('Решено');
  await expect(closed).toContainText('Банк пришлёт исправленный реестр');
  await expect(page.getByTestId(`discrepancy-${payment.id}`)).toHaveCount(0);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Скачать xlsx' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`clickpay-reconciliation-${today}.xlsx`);
  const bytes = readFileSync(await download.path());
  expect(bytes.subarray(0, 2).toString()).toBe('PK');
  expect(problems).toEqual([]);
  await request.delete(`${BANK}/faults/e2e-recon-${card}`);
});

test('partners neither see the reconciliation nor reach it', async ({ page }) => {
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Список транзакций' })).toBeVisible();
  await expect(page.getByTestId('reconciliation-glance')).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Сверка' })).toHaveCount(0);
  await page.goto('/admin/reconciliation');
  // The page asks the staff-only API, which refuses (403), and says so.
  await expect(page.getByRole('alert')).toContainText('This action is for ClickPay staff.');
});
