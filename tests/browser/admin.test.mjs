// Browser tests of the organiser dashboard (/admin): sign-in kept for the tab, the list with
// search and status filter, a real export download, the charts drawn, cancellation and an
// announcement — against the real binary, MariaDB and aiosmtpd.
//
//   ops/test -L browser

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import {
  ADMIN_TOKEN, SYMPOSIUM, launchBrowser, newPage, screenshot, startService, uniqueEmail, waitForMail,
} from './lib/harness.mjs';

const TEST_TIMEOUT = 60000;
let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

function person(email, overrides = {}) {
  return {
    name: '山田 太郎', name_kana: 'やまだ たろう', email, organization: 'テスト製薬株式会社',
    department: '安全管理部', category: 'industry', locale: 'ja', consent_privacy: true, ...overrides,
  };
}

async function signedIn(t, { width = 1280, height = 900 } = {}) {
  const rd = await startService();
  t.after(() => rd.stop());
  const { context, page, problems } = await newPage(browser, { width, height });
  t.after(() => context.close());
  t.after(() => assert.deepEqual(problems, [], 'no script errors or CSP violations on the page'));
  return { rd, context, page };
}

async function signIn(page, rd, token = ADMIN_TOKEN) {
  await page.goto(rd.url('/admin'));
  await page.locator('#token').fill(token);
  await page.locator('#signin-form button[type=submit]').click();
}

test('a wrong token is refused; the right one opens the dashboard for this tab only',
  { timeout: TEST_TIMEOUT }, async (t) => {
    const { rd, context, page } = await signedIn(t);
    await signIn(page, rd, 'not-the-token');
    await page.locator('#signin-error').filter({ hasText: 'トークンが正しくありません' }).waitFor();
    assert.equal(await page.locator('#dashboard').isHidden(), true);
    await signIn(page, rd);
    await page.locator('#dashboard').waitFor();
    assert.equal(await page.evaluate(() => localStorage.length), 0, 'nothing kept beyond the tab');
    assert.ok(await page.evaluate(() => sessionStorage.getItem('regdesk.adminToken')));
    // A new tab (new context) is signed out.
    const other = await context.newPage();
    await other.goto(rd.url('/admin'));
    await other.locator('#signin').waitFor();
    await other.close();
    await page.locator('#signout').click();
    await page.locator('#signin').waitFor();
  });

test('the list, search, status filter, charts, export, cancel and an announcement',
  { timeout: TEST_TIMEOUT }, async (t) => {
    const { rd, page } = await signedIn(t);
    const people = [
      person(uniqueEmail('alpha'), { name: '青木 一郎', category: 'industry' }),
      person(uniqueEmail('beta'), { name: '佐藤 花子', category: 'academia' }),
      person(uniqueEmail('gamma'), { name: 'Jane Doe', category: 'cro', locale: 'en' }),
    ];
    for (const p of people) {
      const r = await rd.request('POST', `/api/v1/events/${SYMPOSIUM}/registrations`, { body: p });
      assert.equal(r.status, 201);
    }
    await signIn(page, rd);
    await page.locator('#rows tr').nth(2).waitFor();
    assert.equal(await page.locator('#rows tr').count(), 3);
    await page.locator('#summary .card-value').first().filter({ hasText: '3' }).waitFor();

    // Charts: one bar per day with sign-ups, one per category.
    assert.equal(await page.locator('#chart-days svg rect.bar').count(), 1);
    assert.equal(await page.locator('#chart-categories svg rect.bar').count(), 6);
    assert.match(await page.locator('#chart-categories svg').textContent(), /製造販売業者/);
    await screenshot(page, 'admin-dashboard');

    await page.locator('#search').fill('佐藤');
    await page.locator('#count').filter({ hasText: /^3件中 1件/ }).waitFor();
    assert.equal(await page.locator('#rows tr').count(), 1);
    await page.locator('#search').fill('');

    // A real download of the CP932 CSV.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-cp932').click()]);
    const text = new TextDecoder('shift_jis').decode(readFileSync(await download.path()));
    assert.match(text, /^受付番号,状態/);
    assert.match(text, /佐藤 花子/);
    assert.match(download.suggestedFilename(), /\.csv$/);

    // Cancel the second person (confirm dialog accepted); the status filter then finds them.
    page.once('dialog', (d) => d.accept());
    await page.locator('#rows tr').filter({ hasText: '佐藤 花子' }).locator('button').click();
    await page.locator('#rows tr').filter({ hasText: '佐藤 花子' }).filter({ hasText: 'キャンセル' }).waitFor();
    await page.locator('#status').selectOption('cancelled');
    await page.locator('#count').filter({ hasText: /^1件中 1件/ }).waitFor();  // the filtered list is in
    assert.equal(await page.locator('#rows tr').count(), 1);
    assert.match(await page.locator('#rows tr').textContent(), /佐藤 花子/);

    // An announcement to the confirmed: queued for the two left, and it arrives.
    await page.locator('#subject-ja').fill('資料公開のお知らせ');
    await page.locator('#body-ja').fill('当日の資料を公開しました。');
    await page.locator('#announce-form button[type=submit]').click();
    await page.locator('#messages').filter({ hasText: '2名' }).waitFor();
    await waitForMail(people[0].email, { subjectHas: '資料公開のお知らせ' });
    await screenshot(page, 'admin-after-actions');
  });

test('the dashboard is usable at 360 px', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await signedIn(t, { width: 360, height: 740 });
  await signIn(page, rd);
  await page.locator('#dashboard').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(overflow <= 360, `page is ${overflow}px wide`);
  await screenshot(page, 'admin-phone');
});
