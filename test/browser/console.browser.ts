/**
 * The console end to end in headless Chromium: sign in, create a Slack integration that posts
 * to a loopback receiver and test it, find a failing integration's delivery and retry it, create
 * a sink with the keyboard alone, and use it at phone width. Screenshots go to docs/screenshots/
 * with TOCSIN_UPDATE_SCREENSHOTS=1.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startReceiver, type Receiver } from '@tocsin/channels/testing';
import { createOperatorToken } from '../../apps/api/src/admin/operators.js';
import { eventually, startSystem, type System } from '../support/system.js';
import { launch, shot, signIn } from './browser.js';

let sys: System;
let receiver: Receiver;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let tenant: { tenantId: string; token: string };
let failing = true;
/** How far the page is wider than the viewport (a browser expression: this file is compiled without the DOM's types). */
const PHONE = { width: 390, height: 844 };
const OVERFLOW = `Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - ${PHONE.width}`;

beforeAll(async () => {
  receiver = await startReceiver();
  receiver.route('/slack', { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' });
  receiver.route('/hook', () => (failing ? { status: 400, body: 'rejected' } : { status: 200, body: 'ok' }));
  sys = await startSystem();
  tenant = await sys.tenant('team');
  browser = await launch();
});
beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  page = await context.newPage();
});
afterEach(async () => context?.close());
afterAll(async () => {
  await browser?.close();
  await sys?.close();
  await receiver?.close();
});

const sinks = async () => (await sys.request('GET', '/v1/event_sink', tenant.token)).body.event_sinks as { id: string; name: string; event_sink_type: string; min_severity: string }[];

test('signs in with a token, and out again', async () => {
  await page.goto(`${sys.url}/console/`);
  await shot(page, 'console-sign-in');
  await page.getByLabel('API token').fill('tct_wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').getByText('The token is not valid').waitFor();

  await signIn(page, sys.url, tenant.token);
  const cookies = await context.cookies();
  expect(cookies.find((c) => c.name === 'tocsin_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  expect(JSON.stringify(cookies)).not.toContain(tenant.token);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to Tocsin' }).waitFor();
  await page.reload();
  await page.getByRole('heading', { name: 'Sign in to Tocsin' }).waitFor(); // the session is gone, not just the page state
});

test('creates a Slack integration pointed at a receiver, and its Test succeeds', async () => {
  await signIn(page, sys.url, tenant.token);
  await page.getByRole('link', { name: 'Add integration' }).click();
  await page.getByRole('heading', { name: 'Add integration' }).waitFor();
  await page.getByText('Create a Slack app').waitFor(); // the vendor's setup steps beside the form

  // Client-side validation first: nothing filled in.
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Webhook URL is required.').waitFor();
  await page.getByLabel('Webhook URL').fill('not a url');
  await page.getByLabel('Label').fill('#soc-alerts');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Webhook URL must be an http(s) URL.').waitFor();
  await shot(page, 'console-integration-form');

  await page.getByLabel('Webhook URL').fill(`${receiver.url}/slack`);
  await page.getByLabel('Minimum severity').selectOption('medium');
  await page.getByRole('button', { name: 'Save' }).click();
  const row = page.getByRole('row').filter({ hasText: '#soc-alerts' });
  await row.waitFor();
  expect((await sinks()).find((s) => s.name === '#soc-alerts')).toMatchObject({ event_sink_type: 'Slack', min_severity: 'medium' });

  const before = receiver.requests.filter((r) => r.path === '/slack').length;
  await row.getByRole('button', { name: 'Test' }).click();
  await row.getByRole('status').getByText(/Test delivered \(HTTP 200/).waitFor();
  expect(receiver.requests.filter((r) => r.path === '/slack').length).toBe(before + 1);
  await shot(page, 'console-integrations');
});

test('edits an integration; its saved secret is kept when left blank', async () => {
  await signIn(page, sys.url, tenant.token);
  const row = page.getByRole('row').filter({ hasText: '#soc-alerts' });
  await row.getByRole('link', { name: 'Edit #soc-alerts' }).click();
  await page.getByRole('heading', { name: 'Edit #soc-alerts' }).waitFor();
  expect(await page.getByLabel('Webhook URL').inputValue()).toBe(''); // never shown again
  await expect(page.getByLabel('Kind').isDisabled()).resolves.toBe(true);
  await page.getByLabel('Minimum severity').selectOption('high');
  await page.getByRole('button', { name: 'Save' }).click();
  await row.getByText('high').waitFor();
  expect((await sinks()).find((s) => s.name === '#soc-alerts')?.min_severity).toBe('high');
  await row.getByRole('button', { name: 'Test' }).click();
  await row.getByRole('status').getByText(/Test delivered/).waitFor(); // the webhook URL survived the edit
});

test('shows the api’s 400 details by field', async () => {
  await signIn(page, sys.url, tenant.token);
  await page.getByRole('link', { name: 'Add integration' }).click();
  await page.getByLabel('Kind').selectOption('Webhook');
  await page.locator('#f-config-url').fill(`${receiver.url}/hook`);
  await page.getByLabel('Label').fill('bad events');
  await page.getByLabel('Events').fill('NOT_A_REAL_EVENT');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('alert').getByText('invalid fields').waitFor();
  await expect(page.getByLabel('Events').getAttribute('aria-invalid')).resolves.toBe('true');
});

test('shows a failing integration’s delivery with its attempts, and retries it', async () => {
  const created = await sys.request('POST', '/v1/event_sink', tenant.token, { name: 'flaky receiver', event_sink_args: { Webhook: { url: `${receiver.url}/hook` } }, events: ['JIT_APPROVED'] });
  expect(created.status).toBe(201);
  const sinkId = created.body.event_sink.id as string;
  failing = true;
  expect((await sys.request('POST', '/v1/events', tenant.token, { action: 'JIT_APPROVED' })).status).toBe(202);
  const failed = await eventually(async () => {
    const res = await sys.request('GET', `/v1/event_sink/${sinkId}/deliveries`, tenant.token);
    return res.body.deliveries.find((d: { state: string }) => d.state === 'failed');
  }, 30_000, 'the delivery to fail');

  await signIn(page, sys.url, tenant.token);
  const row = page.getByRole('row').filter({ hasText: 'flaky receiver' });
  await row.getByLabel('flaky receiver, last 24 hours: 0 delivered, 1 failed').waitFor(); // the chart
  await row.getByRole('link', { name: 'Deliveries of flaky receiver' }).click();
  await page.getByRole('heading', { name: 'Deliveries of flaky receiver' }).waitFor();
  const delivery = page.getByRole('row').filter({ hasText: 'JIT_APPROVED' });
  await delivery.getByText('failed', { exact: true }).waitFor();
  await delivery.getByRole('button', { name: 'Attempts' }).click();
  await page.getByText('HTTP 400').first().waitFor();
  await shot(page, 'console-deliveries');

  failing = false;
  await delivery.getByRole('button', { name: /^Retry delivery/ }).click();
  await page.getByRole('status').getByText('queued to be sent again').waitFor();
  await eventually(async () => {
    const res = await sys.request('GET', `/v1/deliveries/${failed.id}`, tenant.token);
    return res.body.delivery.state === 'delivered' ? true : undefined;
  }, 30_000, 'the retried delivery to arrive');
  await page.reload();
  await page.getByRole('row').filter({ hasText: 'JIT_APPROVED' }).getByText('delivered', { exact: true }).waitFor();
});

test('creates a sink with the keyboard alone', async () => {
  await signIn(page, sys.url, tenant.token);
  const focused = () => page.evaluate<string>('document.activeElement?.id || document.activeElement?.textContent?.trim()');
  // Tab from the top of the page to the Add integration link.
  for (let i = 0; i < 20 && (await focused()) !== 'Add integration'; i++) await page.keyboard.press('Tab');
  expect(await focused()).toBe('Add integration');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Add integration' }).waitFor();

  await page.keyboard.press('Tab'); // the back link
  await page.keyboard.press('Tab'); // Kind
  expect(await focused()).toBe('f-kind');
  await page.keyboard.press('Tab');
  expect(await focused()).toBe('f-config-webhook_url');
  await page.keyboard.type(`${receiver.url}/slack`);
  await page.keyboard.press('Tab');
  expect(await focused()).toBe('f-name');
  await page.keyboard.type('keyboard sink');
  await page.keyboard.press('Enter'); // submits the form
  await page.getByRole('row').filter({ hasText: 'keyboard sink' }).waitFor();
  expect((await sinks()).some((s) => s.name === 'keyboard sink' && s.event_sink_type === 'Slack')).toBe(true);
});

test('works at phone width', async () => {
  const phone = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
  try {
    const made = await sys.request('POST', '/v1/event_sink', tenant.token, { name: '#phone', event_sink_args: { Slack: { webhook_url: `${receiver.url}/slack` } }, events: ['*'] });
    expect(made.status).toBe(201);
    const p = await phone.newPage();
    await signIn(p, sys.url, tenant.token);
    await p.getByRole('row').filter({ hasText: '#phone' }).getByRole('button', { name: 'Test' }).waitFor();
    const overflow = await p.evaluate<number>(OVERFLOW);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(p, 'console-phone');
    await p.getByRole('link', { name: 'Add integration' }).click();
    await p.getByLabel('Webhook URL').waitFor();
    expect(await p.evaluate<number>(OVERFLOW)).toBeLessThanOrEqual(0);
    await shot(p, 'console-phone-form');
  } finally {
    await phone.close();
  }
});

test('creates an API token shown once, and revokes it', async () => {
  await signIn(page, sys.url, tenant.token);
  await page.getByRole('link', { name: 'API tokens' }).click();
  await page.getByRole('heading', { level: 1, name: 'API tokens' }).waitFor();
  await page.getByLabel('Name').fill('ci producer');
  await page.getByRole('button', { name: 'Create token' }).click();
  const shown = await page.getByLabel('Token for ci producer').inputValue();
  expect(shown).toMatch(/^tct_/);
  expect((await sys.request('GET', '/v1/event_sink', shown)).status).toBe(403); // a live token, with events:write only
  const row = page.getByRole('row').filter({ hasText: 'ci producer' });
  await row.getByRole('button', { name: 'Revoke ci producer' }).click();
  await row.getByRole('button', { name: 'Really revoke ci producer' }).click();
  await row.waitFor({ state: 'detached' });
  expect((await sys.request('GET', '/v1/event_sink', shown)).status).toBe(401);
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'API tokens' }).waitFor(); // a client route, served by the api after a reload
  expect(await page.getByText(shown).count()).toBe(0); // shown once
});

test('searches the catalog', async () => {
  await signIn(page, sys.url, tenant.token);
  await page.getByRole('link', { name: 'Catalog' }).click();
  const status = page.getByRole('status');
  await status.getByText(/^\d+ of \d+ events$/).waitFor();
  const [all] = (await status.textContent())!.match(/of (\d+)/)!.slice(1);
  await page.getByLabel('Search').fill('credential exposure');
  await page.getByRole('row').filter({ hasText: 'CREDENTIAL_EXPOSURE_DETECTED' }).first().waitFor();
  const [shownCount] = (await status.textContent())!.match(/^(\d+)/)!.slice(1);
  expect(Number(shownCount)).toBeGreaterThan(0);
  expect(Number(shownCount)).toBeLessThan(Number(all));
  await shot(page, 'console-catalog');
});

test('an operator reaches the queue dashboard from the console; a tenant admin does not see it', async () => {
  await signIn(page, sys.url, tenant.token);
  await expect(page.getByRole('link', { name: 'Queues' }).count()).resolves.toBe(0);
  const refused = await page.goto(`${sys.url}/admin/queues`);
  expect(refused?.status()).toBe(403);

  const ops = await sys.tenant('free');
  const operator = await createOperatorToken(sys.db, ops.tenantId);
  await context.clearCookies();
  await signIn(page, sys.url, operator.token);
  await page.getByRole('link', { name: 'Queues' }).click();
  await page.waitForURL(`${sys.url}/admin/queues`);
  await page.getByText('deliver.slack').first().waitFor();
  await page.getByText('Loading...').waitFor({ state: 'hidden' });
  await shot(page, 'admin-queues');
});
