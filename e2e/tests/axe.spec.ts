import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { apiKey, PASSWORD, signIn } from './helpers';

/** Every page of the cabinet, the staff's included. */
async function pages(request: import('@playwright/test').APIRequestContext): Promise<string[]> {
  const login = await request.post('/cabinet/api/v1/auth/login', { data: { method: 'login', identifier: 'admin', password: PASSWORD } });
  const token = (await login.json()).token;
  const orgs = await (await request.get('/cabinet/api/v1/organizations', { headers: { Authorization: `Bearer ${token}` } })).json();
  const org = orgs.data[0].id;
  const payments = await (await request.get('/api/v1/payments?limit=1', { headers: { Authorization: `Bearer ${apiKey()}` } })).json();
  const payment = payments.data[0].id;
  return [
    '/transactions', `/transactions/${payment}`, '/organizations', `/organizations/${org}`,
    `/organizations/${org}/integration`, '/reports', '/settlements', '/security', '/admin/organizations',
    `/admin/organizations/${org}`, '/admin/users', '/admin/audit', '/admin/reconciliation',
  ];
}

async function serious(page: import('@playwright/test').Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

for (const scheme of ['light', 'dark'] as const) {
  test(`no serious or critical accessibility violation on any page (${scheme} theme)`, async ({ page, request }) => {
    test.setTimeout(120_000);
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto('/login');
    await expect(page.getByRole('heading', { name: 'Вход' })).toBeVisible();
    const found: string[] = (await serious(page)).map((v) => `/login ${v}`);
    await signIn(page, 'По логину', 'admin');
    for (const path of await pages(request)) {
      await page.goto(path);
      await page.waitForLoadState('networkidle');
      await expect(page.locator('.state-loading')).toHaveCount(0);
      found.push(...(await serious(page)).map((v) => `${path} ${v}`));
    }
    expect(found).toEqual([]);
  });
}
