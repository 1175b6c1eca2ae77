// Browser tests of the organiser dashboard (/admin): sign-in with an account (password, TOTP,
// an ended session) or an admin token, what each role sees, the list with search and status
// filter, a real export download, the charts drawn, cancellation, an announcement and the
// audit trail — against the real binary, MariaDB and aiosmtpd. Every screenshot passes axe-core.
//
//   ops/test -L browser

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import {
  ADMIN_TOKEN, PASSWORD, SYMPOSIUM, addUser, dbQuery, launchBrowser, newPage, screenshot, smallEvent, startService,
  totpCode, uniqueEmail, waitForMail,
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

async function signInWithToken(page, rd, token = ADMIN_TOKEN) {
  await page.goto(rd.url('/admin'));
  await page.locator('#signin').waitFor();
  await page.locator('.token-signin summary').click();
  await page.locator('#token').fill(token);
  await page.locator('#token-form button[type=submit]').click();
}

async function signIn(page, rd, email, { password = PASSWORD, otp = null } = {}) {
  await page.goto(rd.url('/admin'));
  await page.locator('#signin').waitFor();
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  if (otp) {
    await page.locator('#signin-form button[type=submit]').click();
    await page.locator('#otp').waitFor();
    await poll(async () => (await page.evaluate(() => document.activeElement.id)) === 'otp');
    await page.locator('#otp').fill(otp);
  }
  await page.locator('#signin-form button[type=submit]').click();
}

async function poll(fn, deadlineMs = 10000) {
  const end = Date.now() + deadlineMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

// The server runs on the rehearsal clock: its "now", read from a token it creates.
async function serverNow(rd) {
  const r = await rd.request('POST', '/api/v1/admin/tokens', {
    body: { name: 'clock', role: 'viewer' }, headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  return Date.parse(r.json.created_at) / 1000;
}

async function auditActions(rd, actor) {
  const r = await rd.request('GET', `/api/v1/admin/audit?event=${SYMPOSIUM}`,
    { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
  return r.json.entries.filter((e) => e.actor === actor).map((e) => e.action);
}

test('an account signs in; a wrong password is refused; the session survives a reload, not a sign-out',
  { timeout: TEST_TIMEOUT }, async (t) => {
    const { rd, context, page } = await signedIn(t);
    await addUser(rd, 'editor@example.jp', 'editor', { events: [SYMPOSIUM] });
    await page.goto(rd.url('/admin'));
    await page.locator('#signin').waitFor();
    await screenshot(page, 'admin-sign-in');
    await signIn(page, rd, 'editor@example.jp', { password: 'not the password, no' });
    await page.locator('#signin-error').filter({ hasText: 'メールアドレスまたはパスワードが正しくありません' }).waitFor();
    await screenshot(page, 'admin-sign-in-failed');
    assert.equal(await page.locator('#dashboard').isHidden(), true);
    await signIn(page, rd, 'editor@example.jp');
    await page.locator('#dashboard').waitFor();
    await page.locator('#who').filter({ hasText: 'editor@example.jp (編集者)' }).waitFor();
    const session = (await context.cookies()).find((c) => c.name === 'regdesk_session');
    assert.ok(session && session.httpOnly && session.sameSite === 'Strict', JSON.stringify(session));
    assert.equal(await page.evaluate(() => document.cookie), '', 'the page cannot read the cookie');
    assert.equal(await page.evaluate(() => localStorage.length + sessionStorage.length), 0);
    assert.equal(await page.locator('#audit-section').isHidden(), true, 'the audit trail is for owners');
    // The cookie alone does not make a change: without the page's CSRF token it is refused.
    const forged = await page.evaluate(async (slug) => {
      const r = await fetch(`/api/v1/admin/events/${slug}/announcements`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, credentials: 'same-origin',
        body: JSON.stringify({ subject: '偽', body: '偽' }) });
      return [r.status, (await r.json()).code];
    }, SYMPOSIUM);
    assert.deepEqual(forged, [403, 'csrf_failed']);
    await page.reload();
    await page.locator('#dashboard').waitFor();
    await page.locator('#signout').click();
    await page.locator('#signin').waitFor();
    await page.reload();
    await page.locator('#signin').waitFor();
    const r = await rd.request('GET', '/api/v1/admin/audit', { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    const mine = r.json.entries.filter((e) => e.actor === 'user:editor@example.jp').map((e) => e.action);
    assert.deepEqual(mine.filter((a) => a.startsWith('sign_')), ['sign_in_failed', 'sign_in', 'sign_out']);
  });

test('an owner with TOTP is asked for the code, and sees the audit trail', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await signedIn(t);
  const out = await addUser(rd, 'owner@example.jp', 'owner', { totp: true });
  const secret = /TOTP secret ([A-Z2-7]+)/.exec(out)[1];
  await signIn(page, rd, 'owner@example.jp', { otp: totpCode(secret, await serverNow(rd)) });
  await page.locator('#dashboard').waitFor();
  await page.locator('#audit-section').waitFor();
  await page.locator('#audit-rows tr').first().waitFor();
  assert.match(await page.locator('#audit-rows').textContent(), /event_created/);  // the seed import
  // Filtered to one kind of action, only those rows are left.
  await page.locator('#audit-filter').fill('event_created');
  await poll(async () => {
    const rows = await page.locator('#audit-rows tr').allTextContents();
    return rows.length > 0 && rows.every((r) => r.includes('event_created'));
  });
  await screenshot(page, 'admin-owner-audit');
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#audit-csv').click()]);
  const text = readFileSync(await download.path(), 'utf8');
  assert.match(text, /^\uFEFFat,actor,action,event,target,client,detail/);
});

test('a viewer sees counts and charts of its event, and no names, list or exports', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await signedIn(t);
  await addUser(rd, 'viewer@example.jp', 'viewer', { events: [SYMPOSIUM] });
  const someone = person(uniqueEmail('secret'), { name: '秘密 花子' });
  assert.equal((await rd.request('POST', `/api/v1/events/${SYMPOSIUM}/registrations`, { body: someone })).status, 201);
  await signIn(page, rd, 'viewer@example.jp');
  await page.locator('#summary .card-value').first().filter({ hasText: '1' }).waitFor();
  for (const id of ['#exports-section', '#list-section', '#announce-section', '#mail-section', '#audit-section'])
    assert.equal(await page.locator(id).isHidden(), true, `${id} hidden`);
  const text = await page.locator('body').textContent();
  assert.ok(!text.includes('秘密') && !text.includes(someone.email), 'no personal data on the page');
  assert.equal(await page.locator('#event option').count(), 1, 'only the events assigned');
  await screenshot(page, 'admin-viewer');
});

test('an ended session sends the organiser back to sign in, saying why', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await signedIn(t);
  await addUser(rd, 'editor@example.jp', 'editor');
  await signIn(page, rd, 'editor@example.jp');
  await page.locator('#dashboard').waitFor();
  // Idle for 31 minutes, as the server sees it.
  await dbQuery(rd.dbUrl, 'UPDATE organiser_sessions SET last_seen_at = last_seen_at - INTERVAL 31 MINUTE');
  await page.locator('#status').selectOption('cancelled');
  await page.locator('#signin-error').filter({ hasText: '有効期限が切れました' }).waitFor();
  assert.equal(await page.locator('#dashboard').isHidden(), true);
  await screenshot(page, 'admin-session-expired');
});

test('an owner adds an account and an API token in the dashboard, and disables the account', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await signedIn(t);
  await addUser(rd, 'owner@example.jp', 'owner');
  await signIn(page, rd, 'owner@example.jp');
  await page.locator('#accounts-section').waitFor();
  await page.locator('#user-rows tr').first().waitFor();
  // A co-host who may see the symposium's numbers only.
  await page.locator('#user-email').fill('cohost@example.jp');
  await page.locator('#user-password').fill('a first password, long');
  await page.locator('#user-role').selectOption('viewer');
  await page.locator('#user-events').fill(SYMPOSIUM);
  await page.locator('#user-form button[type=submit]').click();
  await page.locator('#accounts-messages').filter({ hasText: 'cohost@example.jp を追加しました' }).waitFor();
  const row = page.locator('#user-rows tr').filter({ hasText: 'cohost@example.jp' });
  assert.match(await row.innerText(), /閲覧者/);
  // A short password is refused with the field named.
  await page.locator('#user-email').fill('short@example.jp');
  await page.locator('#user-password').fill('short');
  await page.locator('#user-password').evaluate((i) => i.removeAttribute('minlength'));
  await page.locator('#user-form button[type=submit]').click();
  await page.locator('#accounts-messages').filter({ hasText: 'password' }).waitFor();

  // An API token for a nightly export: shown once, and it works.
  await page.locator('#new-token-name').fill('nightly export');
  await page.locator('#new-token-role').selectOption('editor');
  await page.locator('#new-token-days').fill('30');
  await page.locator('#token-form-new button[type=submit]').click();
  await page.locator('#new-token').waitFor();
  const token = await page.locator('#new-token-value').textContent();
  assert.equal(token.length, 43);
  // The list is reloaded after the secret is shown: wait for the new row.
  await page.locator('#token-rows tr').filter({ hasText: 'nightly export' }).waitFor();
  assert.ok(!(await page.locator('#token-rows').innerText()).includes(token), 'listed without the secret');
  const r = await rd.request('GET', `/api/v1/admin/events/${SYMPOSIUM}/registrations`,
    { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200);
  await screenshot(page, 'admin-accounts');

  // Disabled, the co-host can no longer sign in.
  await row.locator('button').click();
  await row.locator('td').nth(3).filter({ hasText: /^無効$/ }).waitFor();  // the state column
  const refused = await rd.request('POST', '/api/v1/admin/session',
    { body: { email: 'cohost@example.jp', password: 'a first password, long' } });
  assert.equal(refused.status, 401);
});

test('the admin token still signs in, for this tab only', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, context, page } = await signedIn(t);
  await signInWithToken(page, rd, 'not-the-token');
  await page.locator('#signin-error').filter({ hasText: 'トークンが正しくありません' }).waitFor();
  await signInWithToken(page, rd);
  await page.locator('#dashboard').waitFor();
  assert.ok(await page.evaluate(() => sessionStorage.getItem('regdesk.adminToken')));
  const other = await context.newPage();
  await other.goto(rd.url('/admin'));
  await other.locator('#signin').waitFor();
  await other.close();
  await page.locator('#signout').click();
  await page.locator('#signin').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
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
    await addUser(rd, 'editor@example.jp', 'editor', { events: [SYMPOSIUM] });
    await signIn(page, rd, 'editor@example.jp');
    await page.locator('#rows tr').nth(2).waitFor();
    assert.equal(await page.locator('#rows tr').count(), 3);
    await page.locator('#summary .card-value').first().filter({ hasText: '3' }).waitFor();

    // Charts: one bar per day with sign-ups, one per category.
    assert.equal(await page.locator('#chart-days svg rect.bar').count(), 1);
    assert.equal(await page.locator('#chart-categories svg rect.bar').count(), 6);
    assert.match(await page.locator('#chart-categories svg').textContent(), /製造販売業者/);
    await screenshot(page, 'admin-dashboard');

    await page.locator('#search').fill('佐藤');
    await page.locator('#count').filter({ hasText: /^1件中 1–1件目/ }).waitFor();
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
    await page.locator('#rows tr').filter({ hasText: '佐藤 花子' }).locator('button.danger').click();
    // Cancelled, the row has no button left (its status cell says キャンセル; the button did too).
    await poll(async () => (await page.locator('#rows tr').filter({ hasText: '佐藤 花子' }).locator('button').count()) === 0);
    await page.locator('#status').selectOption('cancelled');
    await page.locator('#count').filter({ hasText: /^1件中 1–1件目/ }).waitFor();  // the filtered list is in
    assert.equal(await page.locator('#rows tr').count(), 1);
    assert.match(await page.locator('#rows tr').textContent(), /佐藤 花子/);

    // An announcement to the confirmed: queued for the two left, and it arrives.
    await page.locator('#subject-ja').fill('資料公開のお知らせ');
    await page.locator('#body-ja').fill('当日の資料を公開しました。');
    await page.locator('#announce-form button[type=submit]').click();
    await page.locator('#messages').filter({ hasText: '2名' }).waitFor();
    await waitForMail(people[0].email, { subjectHas: '資料公開のお知らせ' });
    await screenshot(page, 'admin-after-actions');
    // Every change went with the session's CSRF token, and each is in the trail.
    const actions = await auditActions(rd, 'user:editor@example.jp');
    for (const a of ['registrations_viewed', 'export', 'registration_cancelled', 'announcement_sent'])
      assert.ok(actions.includes(a), `${a} in ${actions}`);
  });

test('the list comes a page of 100 at a time, by keyboard; search runs on the server over every page',
  { timeout: TEST_TIMEOUT }, async (t) => {
    const { rd, page } = await signedIn(t);
    const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
    assert.ok([200, 201].includes((await rd.request('PUT', '/api/v1/admin/events/many',
      { body: smallEvent('many', { capacity: 500 }), headers: admin })).status));
    for (let i = 1; i <= 130; i++) {
      const name = i === 125 ? '最後 の方' : `参加 者${i}`;
      const letters = [...String(i)].map((d) => 'abcdefghij'[d]).join('');  // no digits: search '120' finds one
      const r = await rd.request('POST', '/api/v1/events/many/registrations', { body: person(`many-${letters}@example.test`, { name }) });
      assert.equal(r.status, 201);
    }
    await signInWithToken(page, rd);
    await page.locator('#event').selectOption('many');
    await page.locator('#count').filter({ hasText: /^130件中 1–100件目/ }).waitFor();
    assert.equal(await page.locator('#rows tr').count(), 100);
    assert.ok(await page.locator('#page-previous').isDisabled());

    await page.locator('#page-next').focus();
    await page.keyboard.press('Enter');
    await page.locator('#count').filter({ hasText: /^130件中 101–130件目/ }).waitFor();
    assert.equal(await page.locator('#rows tr').count(), 30);
    assert.match(await page.locator('#rows tr').first().textContent(), /^101/);
    assert.ok(await page.locator('#page-next').isDisabled());
    await page.locator('#page-previous').focus();
    await page.keyboard.press('Enter');
    await page.locator('#count').filter({ hasText: /^130件中 1–100件目/ }).waitFor();

    // A name on the second page is found from the first, by the server.
    await page.locator('#search').fill('最後');
    await page.locator('#count').filter({ hasText: /^1件中 1–1件目/ }).waitFor();
    assert.match(await page.locator('#rows tr').textContent(), /最後 の方/);
    await page.locator('#search').fill('１２０');  // full-width digits: the 受付番号 120
    await page.locator('#rows tr').filter({ hasText: /^120/ }).waitFor();
    assert.equal(await page.locator('#rows tr').count(), 1);
    assert.match(await page.locator('#count').textContent(), /^1件中 1–1件目/);
    await screenshot(page, 'admin-list-paged');
  });

test('an editor changes a registration in its dialog, resends its mail and promotes from the waitlist',
  { timeout: TEST_TIMEOUT }, async (t) => {
    const { rd, page } = await signedIn(t);
    const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
    assert.ok([200, 201].includes((await rd.request('PUT', '/api/v1/admin/events/tiny-dash',
      { body: smallEvent('tiny-dash', { capacity: 1, waitlist: { enabled: true, capacity: 5 } }), headers: admin })).status));
    const seated = person(uniqueEmail('seated'), { name: '青木 一郎' });
    const waiting = person(uniqueEmail('waiting'), { name: '佐藤 花子', waitlist: true });
    assert.equal((await rd.request('POST', '/api/v1/events/tiny-dash/registrations', { body: seated })).status, 201);
    const w = await rd.request('POST', '/api/v1/events/tiny-dash/registrations', { body: waiting });
    assert.equal(w.json.status, 'waitlisted');
    await addUser(rd, 'editor@example.jp', 'editor', { events: ['tiny-dash'] });
    await signIn(page, rd, 'editor@example.jp');
    await page.locator('#rows tr').nth(1).waitFor();

    // Edit by keyboard: the dialog opens pre-filled, takes focus, and gives it back.
    const row = page.locator('#rows tr').filter({ hasText: '青木 一郎' });
    await row.locator('button.edit').focus();
    await page.keyboard.press('Enter');
    await page.locator('#edit-dialog[open]').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'edit-name');
    assert.equal(await page.inputValue('#edit-organization'), 'テスト製薬株式会社');
    await screenshot(page, 'admin-edit-dialog');
    await page.fill('#edit-organization', '新しい製薬株式会社');
    await page.keyboard.press('Enter');
    await page.locator('#messages', { hasText: '変更しました' }).waitFor();
    assert.equal(await page.locator('#edit-dialog[open]').count(), 0);
    await page.locator('#rows tr', { hasText: '新しい製薬株式会社' }).waitFor();

    // Resend the sign-up mail; it arrives a second time.
    await page.locator('#rows tr').filter({ hasText: '青木 一郎' }).locator('button.resend').click();
    await page.locator('#messages', { hasText: '送信予約' }).waitFor();
    await waitForMail(seated.email, { count: 2, subjectHas: '受付完了' });

    // No free seat: promotion refused with the reason; with one freed beside the waitlist, done.
    await page.locator('#rows tr').filter({ hasText: '佐藤 花子' }).locator('button.promote').click();
    await page.locator('#messages.error').waitFor();
    await dbQuery(rd.dbUrl, "UPDATE events SET capacity = 2 WHERE slug = 'tiny-dash'");
    await page.locator('#rows tr').filter({ hasText: '佐藤 花子' }).locator('button.promote').click();
    await page.locator('#messages', { hasText: '繰り上げました' }).waitFor();
    await waitForMail(waiting.email, { subjectHas: '参加確定' });
    await screenshot(page, 'admin-after-promote');
    const actions = await (await rd.request('GET', '/api/v1/admin/audit?event=tiny-dash', { headers: admin }))
      .json.entries.filter((e) => e.actor === 'user:editor@example.jp').map((e) => e.action);
    for (const a of ['registration_changed', 'mail_resent', 'registration_promoted'])
      assert.ok(actions.includes(a), `${a} in ${actions}`);
  });

test('an attendance report uploaded in the dashboard: matched, unmatched listed, rate and minutes charted',
  { timeout: TEST_TIMEOUT }, async (t) => {
    const { rd, page } = await signedIn(t);
    const came = uniqueEmail('came'), missed = uniqueEmail('missed');
    for (const [email, name] of [[came, '出席 一郎'], [missed, '欠席 二郎']]) {
      const r = await rd.request('POST', `/api/v1/events/${SYMPOSIUM}/registrations`, { body: person(email, { name }) });
      assert.equal(r.status, 201);
    }
    // Zoom's participants export in the Japanese UI, saved by Excel as Shift_JIS (CP932).
    const report = [
      '名前 (元の名前),ユーザーメール,参加時刻,退出時刻,所要時間（分）,ゲスト',
      `出席 一郎,${came},2024/02/28 14:00:00,2024/02/28 16:30:00,150,いいえ`,
      'ゲスト 参加者,,2024/02/28 14:05:00,2024/02/28 14:35:00,30,はい',
    ].join('\r\n');
    const bytes = Buffer.from(new TextEncoder().encode(report));  // UTF-8; CP932 is covered in the API tests
    await signInWithToken(page, rd);
    await page.locator('#attendance-section').waitFor();
    await page.locator('#attendance-file').setInputFiles({ name: 'participants.csv', mimeType: 'text/csv', buffer: bytes });
    await page.locator('#attendance-form button[type=submit]').click();
    await page.locator('#attendance-result').filter({ hasText: /zoom/ }).waitFor();
    assert.match(await page.locator('#attendance-result').textContent(), /1名の登録に一致/);
    await page.locator('#attendance-unmatched li').filter({ hasText: 'ゲスト 参加者' }).waitFor();
    // The rate card (1 of 2), a bar in the minutes chart, the list's columns.
    await page.locator('#summary .card').filter({ hasText: '出席率' }).filter({ hasText: '50%' }).waitFor();
    assert.equal(await page.locator('#chart-minutes svg rect.bar').count(), 1);
    const row = page.locator('#rows tr').filter({ hasText: '出席 一郎' });
    await row.filter({ hasText: '150' }).waitFor();
    // Announcements can go to those who did not attend.
    await page.locator('#subject-ja').fill('録画のご案内');
    await page.locator('#body-ja').fill('当日の録画を公開しました。');
    await page.locator('#to').selectOption('absent');
    await page.locator('#announce-form button[type=submit]').click();
    await page.locator('#messages').filter({ hasText: '1名' }).waitFor();
    await waitForMail(missed, { subjectHas: '録画のご案内' });
    await screenshot(page, 'admin-attendance');
  });

test('the answers to the event\'s own questions are charted per option', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await signedIn(t);
  await rd.putEvent(smallEvent('asks', {
    capacity: 10,
    questions: [
      { id: 'role', type: 'select', label: { ja: 'ご担当', en: 'Role' }, required: true,
        options: [{ value: 'pv', label: { ja: '安全性', en: 'Safety' } }, { value: 'epi', label: { ja: '疫学', en: 'Epidemiology' } }] },
      { id: 'recording', type: 'checkbox', label: { ja: '録画の公開に同意する', en: 'Recording' }, required: false },
    ],
  }));
  for (const [role, recording] of [['pv', true], ['epi', false], ['epi', true]]) {
    const r = await rd.request('POST', '/api/v1/events/asks/registrations',
      { body: person(uniqueEmail('asks'), { answers: { role, recording } }) });
    assert.equal(r.status, 201);
  }
  await signInWithToken(page, rd);
  await page.locator('#event').selectOption('asks');
  await page.locator('#answers-section').waitFor();
  const role = page.locator('#chart-answers-role svg');
  await role.locator('rect.bar').nth(1).waitFor();
  assert.match(await role.textContent(), /安全性1疫学2/);
  assert.match(await page.locator('#chart-answers-recording svg').textContent(), /はい2/);
  await screenshot(page, 'admin-answers');
});

test('the edit dialog shows the event\'s questions with their answers, and saves only what changed',
  { timeout: TEST_TIMEOUT }, async (t) => {
    const { rd, page } = await signedIn(t);
    await rd.putEvent(smallEvent('asked', {
      capacity: 10,
      questions: [
        { id: 'role', type: 'select', label: { ja: 'ご担当', en: 'Role' }, required: true,
          options: [{ value: 'pv', label: { ja: '安全性', en: 'Safety' } }, { value: 'epi', label: { ja: '疫学', en: 'Epidemiology' } }] },
        { id: 'sessions', type: 'multi', label: { ja: '参加するセッション', en: 'Sessions' }, required: false,
          options: [{ value: 'keynote', label: { ja: '基調講演', en: 'Keynote' } }, { value: 'qa', label: { ja: '質疑応答', en: 'Q&A' } }] },
        { id: 'panel', type: 'textarea', label: { ja: 'パネルへの質問', en: 'For the panel' }, required: false },
        { id: 'recording', type: 'checkbox', label: { ja: '録画の公開に同意する', en: 'Recording' }, required: false },
      ],
    }));
    const r = await rd.request('POST', '/api/v1/events/asked/registrations', {
      body: person(uniqueEmail('asked'), { name: '回答 一郎', answers: { role: 'pv', sessions: ['keynote', 'qa'], recording: true } }),
    });
    assert.equal(r.status, 201);
    await signInWithToken(page, rd);
    await page.locator('#event').selectOption('asked');
    const row = page.locator('#rows tr').filter({ hasText: '回答 一郎' });
    await row.locator('button.edit').click();
    await page.locator('#edit-answer-role').waitFor();
    assert.equal(await page.locator('#edit-answer-role').inputValue(), 'pv');
    assert.ok(await page.locator('#edit-answer-sessions input[value=qa]').isChecked());
    assert.ok(await page.locator('#edit-answer-recording').isChecked());
    await screenshot(page, 'admin-edit-answers');

    // By keyboard: another role, one session less, a question typed.
    await page.locator('#edit-answer-role').focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.locator('#edit-answer-role').inputValue(), 'epi');
    await page.locator('#edit-answer-sessions input[value=qa]').focus();
    await page.keyboard.press('Space');
    await page.locator('#edit-answer-panel').fill('データの期間は？');
    await page.locator('#edit-form button[type=submit]').click();
    await page.locator('#messages').filter({ hasText: '変更しました' }).waitFor();

    const self = (await rd.request('GET', '/api/v1/admin/events/asked/registrations?format=json',
      { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })).json.registrations[0];
    assert.deepEqual(self.answers, { role: 'epi', sessions: ['keynote'], panel: 'データの期間は？', recording: true });
    assert.equal(self.name, '回答 一郎');
    const changes = (await rd.request('GET', '/api/v1/admin/audit?event=asked',
      { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })).json.entries.filter((e) => e.action === 'registration_changed');
    assert.equal(changes.length, 1);
    assert.deepEqual(changes[0].detail.changed.map((c) => c.field).sort(),
      ['answers.panel', 'answers.role', 'answers.sessions']);
  });

test('the approval queue: one approved by button, the rest selected and declined with a message',
  { timeout: TEST_TIMEOUT }, async (t) => {
    const { rd, page } = await signedIn(t);
    const event = smallEvent('briefing-nda', { capacity: 2, waitlist: { enabled: false, capacity: 0 } });
    event.registration = { ...event.registration, approval: 'required',
                           decline_message: { ja: '秘密保持契約を締結した法人の方が対象です。', en: 'For NDA holders.' } };
    await rd.putEvent(event);
    const people = [uniqueEmail('q1'), uniqueEmail('q2'), uniqueEmail('q3')];
    for (const [i, email] of people.entries()) {
      const r = await rd.request('POST', '/api/v1/events/briefing-nda/registrations',
        { body: person(email, { name: `申込 ${i + 1}` }) });
      assert.equal(r.json.status, 'pending');
    }
    await signInWithToken(page, rd);
    await page.locator('#event').selectOption('briefing-nda');
    await page.locator('#approval-section').waitFor();
    await page.locator('#approval-rows tr').nth(2).waitFor();
    assert.match(await page.locator('#approval-count').textContent(), /3件/);
    assert.match(await page.locator('#summary').textContent(), /承認待ち3/);
    await screenshot(page, 'admin-approval-queue');

    // The first by its own button, reached by keyboard.
    const approveFirst = page.getByRole('button', { name: '承認する: 1 申込 1' });
    await approveFirst.focus();
    await page.keyboard.press('Enter');
    await poll(async () => /1件を承認しました/.test(await page.locator('#approval-messages').textContent()));
    await poll(async () => (await page.locator('#approval-rows tr').count()) === 2);
    await waitForMail(people[0], { subjectHas: '受付完了' });

    // The other two selected with "select all", declined with the organiser's own words.
    await page.locator('#approval-all').check();
    await page.locator('#decline-ja').fill('次回の説明会でお待ちしております。');
    page.once('dialog', (d) => d.accept());
    await page.locator('#decline-selected').click();
    await poll(async () => /2件を見送りました/.test(await page.locator('#approval-messages').textContent()));
    for (const email of people.slice(1)) {
      const [mail] = await waitForMail(email, { subjectHas: 'お申込みについて' });
      assert.match(mail.text, /秘密保持契約を締結した法人の方が対象です。/);
      assert.match(mail.text, /次回の説明会でお待ちしております。/);
    }
    const rows = await dbQuery(rd.dbUrl, "SELECT status, COUNT(*) FROM registrations GROUP BY status ORDER BY status");
    assert.deepEqual(rows, [['confirmed', '1'], ['declined', '2']]);
    await page.locator('#approval-rows').getByText('該当する登録はありません。').waitFor();
    await screenshot(page, 'admin-approval-done');
  });

test('invitations: a code made for an organisation, a list imported and mailed, uses shown',
  { timeout: TEST_TIMEOUT }, async (t) => {
    const { rd, page } = await signedIn(t);
    await rd.putEvent(smallEvent('nda-only', { capacity: 30, eligibility: { invitation_required: true } }));
    await signInWithToken(page, rd);
    await page.locator('#event').selectOption('nda-only');
    await page.locator('#invitations-section').waitFor();
    await page.getByLabel('所属（組織名）').fill('サンプル薬品株式会社');
    await page.getByLabel('利用できる人数（空欄は制限なし）').fill('3');
    await page.getByRole('button', { name: '招待コードを発行' }).click();
    await poll(async () => /招待コード [0-9A-Z]{12} を発行しました/.test(await page.locator('#invitations-messages').textContent()));
    const code = (await page.locator('#invitations-messages').textContent()).match(/([0-9A-Z]{12})/)[1];
    await page.locator('#invitation-rows tr', { hasText: code }).waitFor();
    const r = await rd.request('POST', '/api/v1/events/nda-only/registrations',
      { body: { ...person(uniqueEmail('with-code')), invitation: code } });
    assert.equal(r.status, 201);

    const hanako = uniqueEmail('hanako');
    await page.locator('#invitees-file').setInputFiles({
      name: 'invitees.csv', mimeType: 'text/csv',
      buffer: Buffer.from(`メールアドレス,氏名,所属\r\n${hanako},鈴木 花子,テスト製薬株式会社\r\nnot-an-address,誰か,\r\n`),
    });
    await page.getByRole('button', { name: '取り込んで招待メールを送る' }).click();
    await poll(async () => /1名に招待メールを送信予約しました/.test(await page.locator('#invitations-messages').textContent()));
    assert.match(await page.locator('#invitations-messages').textContent(), /3行目（メールアドレスの誤り）/);
    const [mail] = await waitForMail(hanako, { subjectHas: 'ご招待' });
    assert.match(mail.text, /nda-only\?invitation=[0-9A-Z]{12}/);
    await page.reload();
    await page.locator('#event').selectOption('nda-only');
    await page.locator('#invitation-rows tr', { hasText: hanako }).waitFor();
    assert.match(await page.locator('#invitation-rows tr', { hasText: code }).innerText(), /1 \/ 3名/);
    await screenshot(page, 'admin-invitations');
  });

test('the dashboard is usable at 360 px', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await signedIn(t, { width: 360, height: 740 });
  await page.goto(rd.url('/admin'));
  await page.locator('#signin').waitFor();
  const signInWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(signInWidth <= 360, `sign-in is ${signInWidth}px wide`);
  await signInWithToken(page, rd);
  await page.locator('#dashboard').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(overflow <= 360, `page is ${overflow}px wide`);
  await screenshot(page, 'admin-phone');
});
