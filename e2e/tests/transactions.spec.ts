import { expect, test } from '@playwright/test';
import { apiKey, createPayment, signIn, watchForErrors } from './helpers';

const card = (number: string) => ({ number, exp_month: 12, exp_year: 2030, cvc: '123', holder: 'IVAN IVANOV' });

test('the list shows today’s operations, filters by status and type, and keeps them in the URL', async ({ page, request }) => {
  const order = `e2e-${Date.now()}`;
  await createPayment(request, { amount: '123.45', order_id: `${order}-ok`, card: card('4242424242424242') });
  await createPayment(request, { amount: '67.00', order_id: `${order}-declined`, card: card('4000000000009995') });
  const problems = watchForErrors(page);
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Список транзакций' })).toBeVisible();
  await expect(page.locator('table.transactions tbody tr').first()).toBeVisible();
  await expect(page.getByRole('cell', { name: '123,45 ₽' }).first()).toBeVisible();

  await page.locator('select[name=status]').selectOption('failed');
  await expect(page).toHaveURL(/status=failed/);
  const rows = page.locator('table.transactions tbody tr');
  await expect(rows.first()).toContainText('Ошибка');
  for (const text of await rows.allInnerTexts()) expect(text).toContain('Ошибка');
  // The reason sits behind the info icon.
  await expect(page.locator('.info').first()).toHaveAttribute('data-tip', /./);

  await page.locator('select[name=status]').selectOption('');
  await page.locator('select[name=type]').selectOption('ecom');
  await expect(page).toHaveURL(/type=ecom/);
  for (const text of await rows.allInnerTexts()) expect(text).toContain('ECOM');

  // The URL carries the filters: a reload shows the same list.
  await page.reload();
  await expect(page.locator('select[name=type]')).toHaveValue('ecom');
  expect(problems).toEqual([]);
});

test('searching by order id finds the one operation, and its detail opens', async ({ page, request }) => {
  const order = `e2e-find-${Date.now()}`;
  const p = await createPayment(request, { amount: '4321.00', order_id: order, card: card('5555555555554444') });
  await signIn(page);
  await page.getByRole('searchbox').fill(order);
  await page.getByRole('button', { name: 'Найти' }).click();
  await expect(page).toHaveURL(new RegExp(`q=${order}`));
  await expect(page.locator('table.transactions tbody tr')).toHaveCount(1);
  await expect(page.getByTestId('total')).toContainText('1');
  await page.locator('table.transactions tbody tr').first().click();
  await expect(page).toHaveURL(new RegExp(`/transactions/${p.id}$`));
  await expect(page.getByRole('heading', { name: 'Данные транзакции' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Данные клиента' })).toBeVisible();
  await expect(page.getByTestId('fee')).toHaveText('49,69 ₽');
  await expect(page.getByTestId('holder')).toHaveText('IVAN IVANOV');
  await expect(page.getByTestId('card')).toHaveText('555555******4444');
  await expect(page.getByTestId('created')).toContainText('(+03:00)');
  await expect(page.getByText('АО БАНК «СНГБ»')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'История статусов' })).toBeVisible();
});

test('a date range in the past shows the seeded history with numbered pages', async ({ page }) => {
  await signIn(page);
  const from = new Date(Date.now() - 30 * 86400_000).toISOString().slice(0, 10);
  await page.goto(`/transactions?from=${from}`);
  await expect(page.locator('table.transactions tbody tr')).toHaveCount(20);
  await expect(page.locator('.pagination')).toBeVisible();
  await page.locator('.pagination button.page', { hasText: /^2$/ }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.locator('.pagination button.current')).toHaveText('2');
  await page.locator('select[name=date_field]').selectOption('executed');
  await expect(page).toHaveURL(/date_field=executed/);
  await expect(page).not.toHaveURL(/page=2/);
});

test('a notification can be sent again from the detail page', async ({ page, request }) => {
  const p = await createPayment(request, { amount: '10.00', card: card('4242424242424242') });
  await signIn(page);
  await page.goto(`/transactions/${p.id}`);
  const event = page.getByTestId('event').first();
  await expect(event).toContainText('payment.succeeded');
  const before = Number((await event.locator('.muted', { hasText: 'Попыток' }).innerText()).replace(/\D/g, ''));
  await event.getByRole('button', { name: 'Отправить повторно' }).click();
  // The worker may add its own attempt meanwhile: the resend shows as a manual one.
  await expect(event).toContainText('вручную');
  const after = Number((await event.locator('.muted', { hasText: 'Попыток' }).innerText()).replace(/\D/g, ''));
  expect(after).toBeGreaterThan(before);
});

test('the search finds an old operation across every date, and says so', async ({ page, request }) => {
  // An operation of the seeded history, weeks old.
  const before = new Date(Date.now() - 20 * 86400_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const res = await request.get(`/api/v1/payments?limit=1&created_lt=${before}`, { headers: { Authorization: `Bearer ${apiKey()}` } });
  const old = (await res.json()).data[0];
  await signIn(page);
  await page.getByRole('searchbox').fill(old.id);
  await page.getByRole('button', { name: 'Найти' }).click();
  await expect(page.getByTestId('all-dates')).toHaveText('Поиск по всем датам. Чтобы сузить, укажите период.');
  await expect(page.locator('table.transactions tbody tr')).toHaveCount(1);
  await expect(page.locator('input[name=from]')).toHaveValue('');
});
