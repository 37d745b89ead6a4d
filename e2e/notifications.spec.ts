import { seriousViolations } from './support/axe';
import { expect, test, type Page } from '@playwright/test';
import { startWebhookReceiver, type WebhookReceiver } from '../test/support/webhook-receiver';

/**
 * Settings → Notifications in a real browser: channels created through the form, a test sent
 * to a real webhook receiver and to the real SMTP server of e2e/global-setup.ts, the delivery
 * seen in the list, the server's rules shown under the fields, and accessibility.
 */

let hook: WebhookReceiver;

test.beforeAll(async () => {
  hook = await startWebhookReceiver();
});
test.afterAll(async () => {
  await hook?.close();
});

function unique(prefix: string) {
  return `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

async function sendTestAndSeeDelivery(page: Page, name: string) {
  const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) });
  await row.getByRole('button', { name: 'Send test' }).click();
  const deliveries = page.getByRole('table', { name: 'Deliveries' });
  const delivered = deliveries
    .getByRole('row')
    .filter({ hasText: name })
    .filter({ hasText: 'delivered' });
  await expect(delivered.first()).toBeVisible({ timeout: 20_000 });
}

test('creates a webhook and an e-mail channel, sends tests, and sees them delivered', async ({
  page,
}) => {
  await page.goto('/');
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Notifications' })
    .click();
  await expect(page.getByRole('heading', { name: 'Notifications', level: 1 })).toBeVisible();

  const hookName = unique('Hook');
  await page.getByRole('button', { name: 'Add channel' }).click();
  let dialog = page.getByRole('dialog', { name: 'New channel' });
  await dialog.getByLabel('Name').fill(hookName);
  await dialog.getByLabel('URL').fill(hook.url);
  await dialog.getByLabel('Signing secret (optional)').fill('e2e-secret-value-42');
  await dialog.getByRole('checkbox', { name: /Test notifications/ }).check();
  await dialog.getByRole('button', { name: 'Create channel' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('rowheader', { name: hookName })).toBeVisible();
  await sendTestAndSeeDelivery(page, hookName);
  expect(hook.requests.at(-1)?.headers['x-stock-scheduler-signature']).toMatch(
    /^sha256=[0-9a-f]{64}$/,
  );
  // The secret is write-only: not on the page, not in the edit form.
  expect(await page.content()).not.toContain('e2e-secret-value-42');

  const mailName = unique('Mail');
  await page.getByRole('button', { name: 'Add channel' }).click();
  dialog = page.getByRole('dialog', { name: 'New channel' });
  await dialog.getByRole('radio', { name: 'E-mail' }).check();
  await dialog.getByLabel('Name').fill(mailName);
  await dialog.getByLabel(/^To/).fill('ops@example.com');
  await dialog.getByRole('checkbox', { name: /Test notifications/ }).check();
  await dialog.getByRole('button', { name: 'Create channel' }).click();
  await expect(dialog).toBeHidden();
  await sendTestAndSeeDelivery(page, mailName);
});

test('shows the rules under the fields and stores nothing', async ({ page, request }) => {
  const before = (
    (await (await request.get('/scheduler/channels')).json()) as { channels: unknown[] }
  ).channels.length;
  await page.goto('/settings/notifications');
  await page.getByRole('button', { name: 'Add channel' }).click();
  const dialog = page.getByRole('dialog', { name: 'New channel' });
  await dialog.getByLabel('Name').fill('Broken');
  await dialog.getByLabel('URL').fill('not a url');
  await dialog.getByLabel('Signing secret (optional)').fill('short');
  for (const box of await dialog.getByRole('checkbox').all()) await box.uncheck();
  await dialog.getByRole('button', { name: 'Create channel' }).click();
  await expect(dialog.getByText('Must be an http:// or https:// URL')).toBeVisible();
  await expect(dialog.getByText('Must be at least 8 characters')).toBeVisible();
  await expect(dialog.getByText('Choose at least one event')).toBeVisible();
  await expect(dialog.getByLabel('URL')).toHaveAttribute('aria-invalid', 'true');
  expect(await seriousViolations(page, 'dialog')).toEqual([]);

  await dialog.getByRole('radio', { name: 'E-mail' }).check();
  await dialog.getByLabel(/^To/).fill('ops@example.com, nobody');
  await dialog.getByRole('button', { name: 'Create channel' }).click();
  await expect(
    dialog.getByText('Address 2: Must be an e-mail address such as ops@example.com'),
  ).toBeVisible();
  await page.keyboard.press('Escape');
  const after = (
    (await (await request.get('/scheduler/channels')).json()) as { channels: unknown[] }
  ).channels.length;
  expect(after).toBe(before);
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe finds nothing serious on the notifications page (${colorScheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    await page.goto('/settings/notifications');
    await expect(page.getByRole('heading', { name: 'Channels' })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Add channel' }).click();
    await expect(page.getByRole('dialog', { name: 'New channel' })).toBeVisible();
    expect(await seriousViolations(page, 'dialog')).toEqual([]);
  });
}
