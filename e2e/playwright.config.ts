// Browser tests against the real server and the built cabinet (scripts/test prepares the
// database, the demo seed and the build, then runs `npx playwright test` here).
import { defineConfig, devices } from '@playwright/test';
import { execSync } from 'node:child_process';

const root = process.env.E2E_ROOT ?? '..';
const port = Number(process.env.E2E_PORT ?? 38080);
const chromium = process.env.CHROMIUM_PATH || execSync('command -v chromium').toString().trim();

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['html', { outputFolder: 'playwright-report', open: 'never' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: 'on',
    trace: 'retain-on-failure',
    locale: 'ru-RU',
    timezoneId: 'Europe/Moscow',
    launchOptions: {
      executablePath: chromium,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    },
  },
  projects: [
    { name: 'desktop', use: { viewport: { width: 1280, height: 800 } } },
    { name: 'phone', use: { ...devices['Pixel 7'], defaultBrowserType: 'chromium' } },
  ],
  webServer: [{
    // The sandbox bank: its own process over its own database, on the gateway's port + 1.
    command: `${root}/target/debug/clickpay sandbox-bank --port ${port + 1}`,
    url: `http://127.0.0.1:${port + 1}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: { SANDBOX_BANK_DATABASE_URL: process.env.E2E_BANK_DATABASE_URL ?? '', RUST_LOG: 'warn' },
  }, {
    command: `${root}/target/debug/clickpay serve`,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      DATABASE_URL: process.env.E2E_DATABASE_URL ?? '',
      PORT: String(port),
      CLICKPAY__DATA_DIR: process.env.E2E_DATA_DIR ?? '/tmp/clickpay-e2e',
      CLICKPAY__SERVER__STATIC_DIR: `${root}/dist`,
      CLICKPAY_ACQUIRER_URL: `http://127.0.0.1:${port + 1}`,
      CLICKPAY__SERVER__ALLOW_PRIVATE_WEBHOOK_TARGETS: 'true',
      CLICKPAY__RATE_LIMITS__LOGIN_PER_ACCOUNT_PER_MINUTE: '100',
      CLICKPAY__RATE_LIMITS__LOGIN_PER_IP_PER_MINUTE: '300',
      RUST_LOG: 'warn',
    },
  }],
});
