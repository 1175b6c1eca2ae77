// Browser tests of the organiser's event editor (/admin/editor): an event created from nothing
// through the page alone, saved as a draft, published and signed up for; an edit by keyboard
// only; errors next to their fields with a focused summary; a concurrent change (409) and
// loading the newer version; a copy as next year's draft; closing registration early; a DST
// zone; what a viewer is told; a 360 px phone; the event's own questions (added by mouse and
// keyboard, asked on the sign-up page, their errors beside each control, moved and removed).
// Against the real binary, MariaDB and aiosmtpd; every screenshot passes axe-core (WCAG 2.1 AA).
//
//   ops/test -L browser

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  ADMIN_TOKEN, NOW_OPEN, PASSWORD, SYMPOSIUM, addUser, dbQuery, launchBrowser, newPage, poll, screenshot, smallEvent,
  startService, uniqueEmail,
} from './lib/harness.mjs';

const TEST_TIMEOUT = 90000;
const BEARER = { Authorization: `Bearer ${ADMIN_TOKEN}` };
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

// A fresh service and a page signed in through /admin with an account of ROLE.
async function signedIn(t, { role = 'owner', events = [], width = 1280, height = 900, clock = null,
  empty = false } = {}) {
  const rd = await startService({ empty });
  t.after(() => rd.stop());
  const { context, page, problems } = await newPage(browser, { width, height });
  t.after(() => context.close());
  t.after(() => assert.deepEqual(problems, [], 'no script errors or CSP violations on the page'));
  if (clock) await page.clock.setFixedTime(new Date(clock));
  const email = `${role}@example.jp`;
  await addUser(rd, email, role, { events });
  await page.goto(rd.url('/admin'));
  await page.locator('#signin').waitFor();
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('#signin-form button[type=submit]').click();
  await page.locator('#dashboard').waitFor();
  return { rd, context, page, problems };
}

async function openEditor(page, rd, slug = null) {
  await page.goto(rd.url(slug ? `/admin/editor?event=${slug}` : '/admin/editor'));
  await page.locator('#editor-form').waitFor();
  if (slug) await page.locator('#page-title').filter({ hasText: 'イベントの編集：' }).waitFor();
}

async function adminGet(rd, slug) {
  return rd.request('GET', `/api/v1/admin/events/${slug}`, { headers: BEARER });
}

async function savedMessage(page, text) {
  await page.locator('#messages').filter({ hasText: text }).waitFor();
}

// Tab (or Shift+Tab) until the control with ID has the focus; fails after LIMIT presses.
async function tabTo(page, id, { limit = 200, back = false } = {}) {
  for (let i = 0; i < limit; i++) {
    if ((await page.evaluate(() => document.activeElement?.id)) === id) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`#${id} was not reached by keyboard in ${limit} presses`);
}

async function describedText(page, selector) {
  return page.locator(selector).evaluate((c) => (c.getAttribute('aria-describedby') || '').split(/\s+/)
    .map((id) => document.getElementById(id)?.textContent || '').join(' '));
}

const NEW_SLUG = 'midnet-symposium-2026';

// Answers the next confirm() the page shows (accept or dismiss); resolves once answered, so a
// test never races a dialog that opens after an await in the page.
function nextConfirm(page, accept) {
  return new Promise((resolve) => page.once('dialog', async (d) => {
    assert.equal(d.type(), 'confirm');
    await (accept ? d.accept() : d.dismiss());
    resolve();
  }));
}

test('an owner creates the symposium from nothing in the editor, saves a draft, publishes it, and people can sign up',
  { timeout: TEST_TIMEOUT }, async (t) => {
    // An empty database: no event but the one the editor makes.
    const { rd, page } = await signedIn(t, { empty: true });
    // The dashboard leads there.
    await page.locator('#new-event').click();
    await page.locator('#editor-form').waitFor();
    await page.locator('#page-title').filter({ hasText: '新しいイベントを作成' }).waitFor();
    assert.equal(await page.locator('#slug').isEditable(), true, 'the slug can be typed when creating');
    assert.equal(await page.locator('#preview').isHidden(), true, 'no preview before the first save');
    assert.equal(await page.locator('#copy-section').isHidden(), true);
    assert.equal(await page.locator('#timezone').inputValue(), 'Asia/Tokyo');
    assert.equal(await page.locator('#visibility-draft').isChecked(), true, 'a new event starts as a draft');
    await screenshot(page, 'editor-new');

    await page.locator('#slug').fill(NEW_SLUG);
    await page.locator('#title-ja').fill('MID-NET®シンポジウム 2026');
    await page.locator('#title-en').fill('MID-NET® Symposium 2026');
    await page.locator('#description-ja').fill('利活用事例の紹介とパネルディスカッション。\n参加費無料。');
    await page.locator('#description-en').fill('Use cases and a panel discussion.\nFree of charge.');
    await page.locator('#venue-online').check();
    await page.locator('#program-url').fill('https://www.pmda.go.jp/safety/symposia/0027.html');
    await page.locator('#starts-at').fill('2024-02-28T14:00');
    await page.locator('#ends-at').fill('2024-02-28T17:00');
    await page.locator('#opens-at').fill('2024-01-10T09:00');
    await page.locator('#closes-at').fill('2024-02-22T00:00');
    // The zone is shown next to the times, with its offset.
    await page.locator('#starts-at-zone').filter({ hasText: '日本時間（UTC+09:00）' }).waitFor();
    await page.locator('#capacity').fill('1000');
    await page.locator('#waitlist-enabled').check();
    await page.locator('#waitlist-capacity').fill('300');
    await page.locator('#meeting-url').fill('https://meeting.example.jp/j/midnet-symposium-2026');
    await page.locator('#meeting-passcode').fill('246810');
    await page.locator('#join-minutes').fill('30');
    await page.locator('#link-amount').fill('2');
    await page.locator('#link-unit').selectOption('D');
    for (const r of ['P7D', 'P3D', 'P1D', 'PT3H', 'PT1H', 'PT30M']) {
      await page.locator(`#reminder-${r}`).setChecked(r === 'P1D' || r === 'PT1H');
    }
    // Required only once asked.
    await page.locator('#ask-phone').uncheck();
    assert.equal(await page.locator('#req-phone').isDisabled(), true);
    for (const f of ['name', 'name_kana', 'organization', 'department', 'category', 'phone', 'question']) {
      await page.locator(`#ask-${f}`).check();
      await page.locator(`#req-${f}`).setChecked(!['phone', 'question'].includes(f));
    }
    await page.locator('#contact-name').fill('PMDA 医療情報科学部 ＭＩＤ－ＮＥＴ問合せ窓口');
    await page.locator('#contact-email').fill('wakaru-midnet@pmda.go.jp');
    await page.locator('#contact-phone').fill('03-3506-9710');
    await page.locator('#save').click();
    await savedMessage(page, 'イベントを作成しました');
    await page.waitForURL((u) => u.search === `?event=${NEW_SLUG}`);
    await page.locator('#page-title').filter({ hasText: 'イベントの編集：MID-NET®シンポジウム 2026' }).waitFor();
    assert.equal(await page.locator('#slug').isEditable(), false, 'the slug is fixed once created');
    assert.equal(await page.locator('#preview').getAttribute('href'), `/events/${NEW_SLUG}?preview=1`);
    assert.equal(await page.locator('#preview').getAttribute('target'), '_blank');
    assert.equal(await page.locator('#doc-visibility').textContent(), '下書き');
    await screenshot(page, 'editor-created-draft');

    const stored = await adminGet(rd, NEW_SLUG);
    assert.equal(stored.status, 200);
    const { counts, ...doc } = stored.json;
    assert.deepEqual(counts, { confirmed: 0, waitlisted: 0 });
    assert.deepEqual(doc, {
      slug: NEW_SLUG,
      title: { ja: 'MID-NET®シンポジウム 2026', en: 'MID-NET® Symposium 2026' },
      description: { ja: '利活用事例の紹介とパネルディスカッション。\n参加費無料。', en: 'Use cases and a panel discussion.\nFree of charge.' },
      starts_at: '2024-02-28T14:00:00+09:00',
      ends_at: '2024-02-28T17:00:00+09:00',
      timezone: 'Asia/Tokyo',
      venue: 'online',
      fee: 0,
      capacity: 1000,
      registration: { opens_at: '2024-01-10T09:00:00+09:00', closes_at: '2024-02-22T00:00:00+09:00' },
      waitlist: { enabled: true, capacity: 300 },
      meeting: { url: 'https://meeting.example.jp/j/midnet-symposium-2026', passcode: '246810', join_opens_minutes_before: 30 },
      mail: { meeting_link_before: 'P2D', reminders_before: ['P1D', 'PT1H'] },
      contact: { name: 'PMDA 医療情報科学部 ＭＩＤ－ＮＥＴ問合せ窓口', email: 'wakaru-midnet@pmda.go.jp', phone: '03-3506-9710' },
      program_url: 'https://www.pmda.go.jp/safety/symposia/0027.html',
      fields: [
        { name: 'name', required: true }, { name: 'name_kana', required: true },
        { name: 'organization', required: true }, { name: 'department', required: true },
        { name: 'category', required: true }, { name: 'phone', required: false },
        { name: 'question', required: false },
      ],
      visibility: 'draft',
    });
    assert.equal((await rd.request('GET', `/api/v1/events/${NEW_SLUG}`)).status, 404, 'a draft is not public');
    assert.equal((await rd.signUp(NEW_SLUG, person(uniqueEmail('early')))).status, 404, 'nor open for sign-ups');

    // The preview opens the participant page of the draft, for the signed-in organiser.
    const [preview] = await Promise.all([page.context().waitForEvent('page'), page.locator('#preview').click()]);
    await preview.locator('#preview-notice').waitFor();
    await preview.close();

    await page.locator('#publish').click();
    await savedMessage(page, '公開しました');
    assert.equal(await page.locator('#doc-visibility').textContent(), '公開中');
    assert.equal(await page.locator('#visibility-public').isChecked(), true);
    assert.equal(await page.locator('#publish').isHidden(), true, 'nothing more to publish');
    const pub = await rd.request('GET', `/api/v1/events/${NEW_SLUG}`);
    assert.equal(pub.status, 200);
    assert.equal(pub.json.registration.state, 'open');
    const signUp = await rd.signUp(NEW_SLUG, person(uniqueEmail('first')));
    assert.equal(signUp.status, 201, signUp.text);
    await screenshot(page, 'editor-published');
  });

test('an editor changes the capacity and a reminder of the symposium by keyboard alone', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await signedIn(t, { role: 'editor', events: [SYMPOSIUM] });
  const before = await adminGet(rd, SYMPOSIUM);
  // From the dashboard, by keyboard: the link to this event's editor.
  await page.locator('#edit-event').focus();
  await page.keyboard.press('Enter');
  await page.locator('#editor-form').waitFor();
  await poll(async () => (await page.locator('#capacity').inputValue()) === '1000', { what: 'the document in the form' });
  await page.locator('#main').focus();  // where the skip link leaves a keyboard user
  await tabTo(page, 'capacity');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('1200');
  await tabTo(page, 'reminder-P3D');
  await page.keyboard.press('Space');
  await tabTo(page, 'save');
  await page.keyboard.press('Enter');
  await savedMessage(page, '保存しました');
  const after = await adminGet(rd, SYMPOSIUM);
  assert.equal(after.json.capacity, 1200);
  assert.deepEqual(after.json.mail.reminders_before, ['P3D', 'P1D', 'PT1H']);
  assert.notEqual(after.headers.get('etag'), before.headers.get('etag'));
  const { capacity: c1, mail: m1, ...rest1 } = before.json;
  const { capacity: c2, mail: m2, ...rest2 } = after.json;
  assert.deepEqual(rest2, rest1, 'nothing else changed');
  assert.equal((await rd.request('GET', `/api/v1/events/${SYMPOSIUM}`)).json.capacity, 1200);
  await screenshot(page, 'editor-saved-by-keyboard');
});

test('after the event: a follow-up and certificates are switched on in the editor, and a bad link is caught', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await signedIn(t, { role: 'editor', events: [SYMPOSIUM] });
  await page.goto(rd.url(`/admin/editor?event=${SYMPOSIUM}`));
  await poll(async () => (await page.locator('#capacity').inputValue()) === '1000', { what: 'the document in the form' });
  assert.equal(await page.locator('#survey-url').isDisabled(), true, 'links wait for the follow-up switch');
  await page.locator('#follow-up-enabled').check();
  await page.locator('#follow-up-hours').fill('3');
  await page.locator('#survey-url').fill('not a link');
  await page.locator('#recording-url').fill('https://video.example.jp/midnet2024');
  await page.locator('#certificate-enabled').check();
  await page.locator('#certificate-minutes').fill('120');
  await page.locator('#certificate-issuer').fill('独立行政法人 医薬品医療機器総合機構');
  await page.locator('#save').click();
  await page.locator('#survey-url[aria-invalid="true"]').waitFor();
  await page.locator('#survey-url').fill('https://survey.example.jp/midnet2024');
  await page.locator('#save').click();
  await savedMessage(page, '保存しました');
  const after = (await adminGet(rd, SYMPOSIUM)).json;
  assert.deepEqual(after.follow_up, { after: 'PT3H', survey_url: 'https://survey.example.jp/midnet2024',
                                      materials_url: '', recording_url: 'https://video.example.jp/midnet2024' });
  assert.equal(after.certificate.min_minutes, 120);
  assert.equal(after.certificate.issuer.ja, '独立行政法人 医薬品医療機器総合機構');
  await screenshot(page, 'editor-after-the-event');
});

test('a briefing for NDA holders: approval and invitations switched on in the editor, the words for those declined saved',
  { timeout: TEST_TIMEOUT }, async (t) => {
    const { rd, page } = await signedIn(t, { role: 'editor', events: [SYMPOSIUM] });
    await page.goto(rd.url(`/admin/editor?event=${SYMPOSIUM}`));
    await poll(async () => (await page.locator('#capacity').inputValue()) === '1000', { what: 'the document in the form' });
    assert.equal(await page.locator('#approval-required').isChecked(), false);
    await page.locator('#approval-required').focus();
    await page.keyboard.press('Space');
    await page.locator('#decline-message-ja').fill('本説明会は秘密保持契約を締結した法人の方が対象です。');
    await page.locator('#invitation-required').check();
    await page.locator('#save').click();
    await savedMessage(page, '保存しました');
    const after = (await adminGet(rd, SYMPOSIUM)).json;
    assert.equal(after.registration.approval, 'required');
    assert.deepEqual(after.registration.decline_message, { ja: '本説明会は秘密保持契約を締結した法人の方が対象です。', en: '' });
    assert.deepEqual(after.eligibility, { invitation_required: true });
    // Loaded again, the form shows what is stored; switched off, both keys go.
    await page.reload();
    await poll(async () => page.locator('#approval-required').isChecked(), { what: 'approval loaded' });
    assert.equal(await page.locator('#invitation-required').isChecked(), true);
    await page.locator('#approval-required').uncheck();
    await page.locator('#invitation-required').uncheck();
    await page.locator('#decline-message-ja').fill('');
    await page.locator('#save').click();
    await savedMessage(page, '保存しました');
    const off = (await adminGet(rd, SYMPOSIUM)).json;
    assert.equal(off.registration.approval, undefined, 'none, the default, is not written');
    assert.equal(off.registration.decline_message, undefined);
    assert.equal(off.eligibility, undefined);
    await screenshot(page, 'editor-approval-invitation');
  });

test('errors are shown next to their fields, summarised and focused, and nothing is stored', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await signedIn(t);
  const etag = (await adminGet(rd, SYMPOSIUM)).headers.get('etag');
  await openEditor(page, rd, SYMPOSIUM);

  // Found before sending: registration closing before it opens, and a malformed address.
  await page.locator('#closes-at').fill('2024-01-10T00:00');
  await page.locator('#contact-email').fill('wakaru-midnet.pmda.go.jp');
  await page.locator('#save').click();
  await page.locator('#error-summary').waitFor();
  await poll(async () => (await page.evaluate(() => document.activeElement?.id)) === 'form-status',
    { what: 'the focus on the error summary' });
  assert.equal(await page.locator('#form-status').getAttribute('role'), 'alert');
  assert.deepEqual(await page.locator('#error-summary a').allTextContents(), [
    '受付締切日時：受付開始日時より後にしてください。',
    'メールアドレス：メールアドレスの形式が正しくありません（例：info@example.jp）。',
  ]);
  for (const [id, message] of [['closes-at', '受付開始日時より後にしてください。'],
    ['contact-email', 'メールアドレスの形式が正しくありません']]) {
    assert.equal(await page.locator(`#${id}`).getAttribute('aria-invalid'), 'true', id);
    assert.match(await describedText(page, `#${id}`), new RegExp(message), id);
  }
  assert.match(await describedText(page, '#closes-at'), /日本時間/, 'the zone is still described');
  await screenshot(page, 'editor-errors');
  // The summary's link takes the focus to the field.
  await page.locator('#error-summary a').nth(1).click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'contact-email');
  assert.equal((await adminGet(rd, SYMPOSIUM)).headers.get('etag'), etag, 'nothing was stored');

  // Found by the server (422): an address, not a domain, among the eligible domains.
  await page.locator('#closes-at').fill('2024-02-22T00:00');
  await page.locator('#contact-email').fill('wakaru-midnet@pmda.go.jp');
  await page.locator('#domains').fill('nda-pharma.example.co.jp\nsomeone@nda-cro.example.jp');
  await page.locator('#save').click();
  await page.locator('#error-summary a').filter({ hasText: 'ドメイン' }).waitFor();
  assert.equal(await page.locator('#error-summary li').count(), 1);
  assert.equal(await page.locator('#closes-at').getAttribute('aria-invalid'), null, 'fixed fields are clear again');
  assert.equal(await page.locator('#domains').getAttribute('aria-invalid'), 'true');
  assert.match(await describedText(page, '#domains'), /example\.co\.jp.*のようなドメイン名/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'form-status');
  assert.equal((await adminGet(rd, SYMPOSIUM)).headers.get('etag'), etag, 'nothing was stored');
  await screenshot(page, 'editor-server-errors');

  // A new event: a slug that cannot be an address.
  await openEditor(page, rd);
  await page.locator('#slug').fill('MID-NET 2025');
  await page.locator('#title-ja').fill('テスト');
  await page.locator('#save').click();
  await page.locator('#error-summary').waitFor();
  assert.equal(await page.locator('#slug').getAttribute('aria-invalid'), 'true');
  assert.match(await describedText(page, '#slug'), /半角英小文字・数字・ハイフン/);

  // The capacity below the confirmed sign-ups (409 capacity_below_confirmed), next to the capacity.
  await rd.putEvent(smallEvent('small-meeting', { capacity: 5 }));
  for (const who of ['a', 'b']) assert.equal((await rd.signUp('small-meeting', person(uniqueEmail(who)))).status, 201);
  await openEditor(page, rd, 'small-meeting');
  await page.locator('#capacity-hint').filter({ hasText: '確定 2 名' }).waitFor();
  await page.locator('#capacity').fill('1');
  await page.locator('#save').click();
  await page.locator('#error-summary').waitFor();
  assert.equal(await page.locator('#capacity').getAttribute('aria-invalid'), 'true');
  assert.match(await describedText(page, '#capacity'), /確定済みの申込が 2 名あるため/);
  assert.equal((await adminGet(rd, 'small-meeting')).json.capacity, 5);
  await screenshot(page, 'editor-capacity-below-confirmed');
});

test('a change made elsewhere meanwhile is not overwritten: the conflict is explained, and the newer version loads',
  { timeout: TEST_TIMEOUT }, async (t) => {
    const { rd, page } = await signedIn(t);
    await openEditor(page, rd, SYMPOSIUM);
    // Another organiser saves first.
    const read = await adminGet(rd, SYMPOSIUM);
    const { counts, ...theirs } = read.json;
    theirs.capacity = 999;
    theirs.title = { ...theirs.title, ja: 'MID-NET®シンポジウム 2024（改）' };
    const put = await rd.request('PUT', `/api/v1/admin/events/${SYMPOSIUM}`,
      { body: theirs, headers: { ...BEARER, 'If-Match': read.headers.get('etag') } });
    assert.equal(put.status, 200, put.text);

    await page.locator('#venue-place').check();
    await page.locator('#venue-name').fill('PMDA 会議室');
    await page.locator('#save').click();
    await page.locator('#form-status').filter({ hasText: 'ほかの主催者' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'form-status');
    await screenshot(page, 'editor-conflict');
    assert.equal((await adminGet(rd, SYMPOSIUM)).json.venue, 'online', 'their version stands');

    // Declining the confirmation keeps the local edits.
    let dialog = nextConfirm(page, false);
    await page.locator('#reload-latest').click();
    await dialog;
    assert.equal(await page.locator('#venue-name').inputValue(), 'PMDA 会議室');
    dialog = nextConfirm(page, true);
    await page.locator('#reload-latest').click();
    await dialog;
    await page.locator('#form-status').filter({ hasText: '最新の内容を読み込みました' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'form-status');
    assert.equal(await page.locator('#capacity').inputValue(), '999');
    assert.equal(await page.locator('#title-ja').inputValue(), 'MID-NET®シンポジウム 2024（改）');
    assert.equal(await page.locator('#venue-online').isChecked(), true);
    assert.equal(await page.locator('#reload-latest').count(), 0, 'the conflict is over');
    // And the next save goes on top of theirs.
    await page.locator('#capacity').fill('1100');
    await page.locator('#save').click();
    await savedMessage(page, '保存しました');
    const now = (await adminGet(rd, SYMPOSIUM)).json;
    assert.equal(now.capacity, 1100);
    assert.equal(now.title.ja, 'MID-NET®シンポジウム 2024（改）');
  });

test('the symposium is copied as next year\'s draft', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await signedIn(t);
  assert.equal((await rd.signUp(SYMPOSIUM, person(uniqueEmail('old')))).status, 201);
  await openEditor(page, rd, SYMPOSIUM);
  await page.locator('#copy-slug').fill('Midnet 2025');
  await page.locator('#copy').click();
  await page.locator('#copy-slug-error').waitFor();
  assert.equal(await page.locator('#copy-slug').getAttribute('aria-invalid'), 'true');
  assert.match(await describedText(page, '#copy-slug'), /半角英小文字/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'copy-slug');
  await page.locator('#copy-slug').fill('midnet-briefing-2024-04');  // taken
  await page.locator('#copy').click();
  await page.locator('#copy-slug-error').filter({ hasText: '既にあります' }).waitFor();
  await screenshot(page, 'editor-copy-error');

  await page.locator('#copy-slug').fill('midnet-symposium-2025');
  await page.locator('#copy').click();
  await page.waitForURL((u) => u.search === '?event=midnet-symposium-2025');
  await page.locator('#page-title').filter({ hasText: 'イベントの編集：MID-NET®シンポジウム 2024' }).waitFor();
  assert.equal(await page.locator('#slug').inputValue(), 'midnet-symposium-2025');
  assert.equal(await page.locator('#visibility-draft').isChecked(), true);
  assert.equal(await page.locator('#doc-visibility').textContent(), '下書き');
  assert.equal(await page.locator('#capacity').inputValue(), '1000');
  assert.match(await page.locator('#capacity-hint').textContent(), /確定 0 名/, 'no registrations came along');
  const copy = await adminGet(rd, 'midnet-symposium-2025');
  assert.equal(copy.json.visibility, 'draft');
  assert.deepEqual(copy.json.counts, { confirmed: 0, waitlisted: 0 });
  assert.equal((await rd.request('GET', '/api/v1/events/midnet-symposium-2025')).status, 404);
  await screenshot(page, 'editor-copy');
});

test('registration is closed early after a confirmation', { timeout: TEST_TIMEOUT }, async (t) => {
  // The browser's clock years away from the server's rehearsal clock: "now" is the server's.
  const { rd, page } = await signedIn(t, { clock: '2031-06-01T00:00:00Z' });
  const etag = (await adminGet(rd, SYMPOSIUM)).headers.get('etag');
  await openEditor(page, rd, SYMPOSIUM);
  // The page asks the server for its time before it asks the organiser: wait for each dialog.
  let dialog = nextConfirm(page, false);
  await page.locator('#close-now').click();
  await dialog;
  assert.equal((await adminGet(rd, SYMPOSIUM)).headers.get('etag'), etag, 'declined: nothing changed');
  dialog = nextConfirm(page, true);
  await page.locator('#close-now').click();
  await dialog;
  await savedMessage(page, '申込の受付を締め切りました');
  assert.match((await adminGet(rd, SYMPOSIUM)).json.registration.closes_at, /^2024-01-15T10:0\d:\d\d\+09:00$/);
  assert.match(await page.locator('#closes-at').inputValue(), /^2024-01-15T10:0\d/);
  await poll(async () => (await rd.request('GET', `/api/v1/events/${SYMPOSIUM}`)).json.registration.state === 'closed',
    { what: 'the public view closed' });
  assert.equal((await rd.signUp(SYMPOSIUM, person(uniqueEmail('late')))).status, 409);
});

test('times are read in the event\'s zone, with the offset of that date in a zone with summer time',
  { timeout: TEST_TIMEOUT }, async (t) => {
    const { rd, page } = await signedIn(t);
    await page.goto(rd.url('/admin/editor?lang=en'));
    await page.locator('#editor-form').waitFor();
    await page.locator('#page-title').filter({ hasText: 'Create a new event' }).waitFor();
    await page.locator('#slug').fill('london-workshop');
    await page.locator('#title-en').fill('London workshop');
    await page.locator('#timezone').fill('Europe/London');
    await page.locator('#starts-at').fill('2024-07-10T10:00');
    await page.locator('#ends-at').fill('2024-07-10T12:30');
    await page.locator('#opens-at').fill('2024-01-10T09:00');
    await page.locator('#closes-at').fill('2024-07-01T00:00');
    await page.locator('#starts-at-zone').filter({ hasText: 'Europe/London (UTC+01:00)' }).waitFor();
    await page.locator('#opens-at-zone').filter({ hasText: 'Europe/London (UTC+00:00)' }).waitFor();
    await page.locator('#venue-place').check();
    await page.locator('#venue-name').fill('The Mall, London');
    await screenshot(page, 'editor-english-dst');
    await page.locator('#save').click();
    await savedMessage(page, 'The event was created');
    const doc = (await adminGet(rd, 'london-workshop')).json;
    assert.equal(doc.timezone, 'Europe/London');
    assert.equal(doc.venue, 'The Mall, London');
    assert.equal(Date.parse(doc.starts_at), Date.parse('2024-07-10T10:00:00+01:00'));
    assert.equal(Date.parse(doc.ends_at), Date.parse('2024-07-10T12:30:00+01:00'));
    assert.equal(Date.parse(doc.registration.opens_at), Date.parse('2024-01-10T09:00:00Z'));
    assert.equal(Date.parse(doc.registration.closes_at), Date.parse('2024-06-30T23:00:00Z'));
    // Read back, the form shows the same wall-clock times.
    await page.reload();
    await page.locator('#page-title').filter({ hasText: 'Edit event: London workshop' }).waitFor();
    assert.equal(await page.locator('#starts-at').inputValue(), '2024-07-10T10:00');
    assert.equal(await page.locator('#opens-at').inputValue(), '2024-01-10T09:00');
    assert.equal(await page.locator('#closes-at').inputValue(), '2024-07-01T00:00');
  });

test('a viewer is told it cannot edit, and sees nothing to edit; signed out, the page says where to sign in',
  { timeout: TEST_TIMEOUT }, async (t) => {
    const { rd, page, context } = await signedIn(t, { role: 'viewer', events: [SYMPOSIUM] });
    assert.equal(await page.locator('#editor-links').isHidden(), true, 'no editor links for a viewer');
    await page.goto(rd.url(`/admin/editor?event=${SYMPOSIUM}`));
    await page.locator('#forbidden').waitFor();
    assert.match(await page.locator('#forbidden').textContent(), /編集できません/);
    assert.equal(await page.locator('#editor-form').isHidden(), true);
    assert.equal(await page.locator('#copy-section').isHidden(), true);
    const editable = await page.evaluate(() => [...document.querySelectorAll('input, textarea, select, button')]
      .filter((n) => n.checkVisibility() && !n.disabled).length);
    assert.equal(editable, 0, 'no control is shown');
    // The server says the same: a viewer's PUT is refused.
    const cookie = (await context.cookies()).find((c) => c.name === 'regdesk_session');
    const session = await rd.request('GET', '/api/v1/admin/session', { headers: { Cookie: `regdesk_session=${cookie.value}` } });
    const { counts, ...doc } = (await adminGet(rd, SYMPOSIUM)).json;
    const refused = await rd.request('PUT', `/api/v1/admin/events/${SYMPOSIUM}`, {
      body: doc, headers: { Cookie: `regdesk_session=${cookie.value}`, 'X-CSRF-Token': session.json.csrf_token },
    });
    assert.equal(refused.status, 403);
    await screenshot(page, 'editor-viewer');

    // An editor of another event only: the API's 403, said the same way.
    await addUser(rd, 'other@example.jp', 'editor', { events: ['midnet-briefing-2024-04'] });
    await context.clearCookies();
    await page.goto(rd.url('/admin'));
    await page.locator('#email').fill('other@example.jp');
    await page.locator('#password').fill(PASSWORD);
    await page.locator('#signin-form button[type=submit]').click();
    await page.locator('#dashboard').waitFor();
    await page.goto(rd.url(`/admin/editor?event=${SYMPOSIUM}`));
    await page.locator('#forbidden').waitFor();
    assert.equal(await page.locator('#editor-form').isHidden(), true);

    await context.clearCookies();
    await page.goto(rd.url(`/admin/editor?event=${SYMPOSIUM}`));
    await page.locator('#signin-needed').waitFor();
    assert.equal(await page.locator('#signin-link').getAttribute('href'), '/admin');
    await screenshot(page, 'editor-signed-out');
  });

test('the editor is usable at 360 px', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await signedIn(t, { width: 360, height: 740 });
  for (const slug of [SYMPOSIUM, null]) {
    await openEditor(page, rd, slug);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `the editor (${slug || 'new'}) is ${width}px wide`);
  }
  await page.locator('#save').click();
  await page.locator('#error-summary').waitFor();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `with errors, the editor is ${width}px wide`);
  await screenshot(page, 'editor-phone');
});

test('with a tab\'s admin token the editor sends the token, not a cookie', { timeout: TEST_TIMEOUT }, async (t) => {
  const rd = await startService();
  t.after(() => rd.stop());
  const { context, page, problems } = await newPage(browser);
  t.after(() => context.close());
  t.after(() => assert.deepEqual(problems, []));
  await page.goto(rd.url('/admin'));
  await page.evaluate((token) => sessionStorage.setItem('regdesk.adminToken', token), ADMIN_TOKEN);
  const sent = [];
  page.on('request', (r) => {
    if (r.method() === 'PUT') sent.push(r.headers());
  });
  await openEditor(page, rd, SYMPOSIUM);
  await page.locator('#capacity').fill('1001');
  await page.locator('#save').click();
  await savedMessage(page, '保存しました');
  assert.equal(sent.length, 1);
  assert.equal(sent[0].authorization, `Bearer ${ADMIN_TOKEN}`);
  assert.equal(sent[0]['x-csrf-token'], undefined);
  assert.match(sent[0]['if-match'], /^"[0-9a-f]+"$/);
  assert.equal((await adminGet(rd, SYMPOSIUM)).json.capacity, 1001);
});

test('an ended session keeps what was typed; signed in again in another tab, the save goes through',
  { timeout: TEST_TIMEOUT }, async (t) => {
    const { rd, context, page } = await signedIn(t, { role: 'editor', events: [SYMPOSIUM] });
    await openEditor(page, rd, SYMPOSIUM);
    await page.locator('#capacity').fill('1300');
    // Idle for 31 minutes, as the server sees it.
    await dbQuery(rd.dbUrl, 'UPDATE organiser_sessions SET last_seen_at = last_seen_at - INTERVAL 31 MINUTE');
    await page.locator('#save').click();
    await page.locator('#form-status').filter({ hasText: 'サインインの有効期限が切れました' }).waitFor();
    const link = page.locator('#form-status a');
    assert.equal(await link.getAttribute('href'), '/admin');
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await page.locator('#capacity').inputValue(), '1300', 'the edit is still there');
    await screenshot(page, 'editor-session-ended');
    // A new session (and a new CSRF token) from another tab.
    const other = await context.newPage();
    await other.goto(rd.url('/admin'));
    await other.locator('#email').fill('editor@example.jp');
    await other.locator('#password').fill(PASSWORD);
    await other.locator('#signin-form button[type=submit]').click();
    await other.locator('#dashboard').waitFor();
    await other.close();
    await page.locator('#save').click();
    await savedMessage(page, '保存しました');
    assert.equal((await adminGet(rd, SYMPOSIUM)).json.capacity, 1300);
  });

async function activeId(page) {
  return page.evaluate(() => document.activeElement?.id);
}

test('an editor adds its own questions (choices with two options by mouse, a required agreement by keyboard), saves them, and the sign-up page asks them',
  { timeout: TEST_TIMEOUT }, async (t) => {
    const { rd, page } = await signedIn(t, { role: 'editor', events: [SYMPOSIUM] });
    const before = (await adminGet(rd, SYMPOSIUM)).json;
    assert.equal(before.questions, undefined, 'the seed asks none of its own');
    await openEditor(page, rd, SYMPOSIUM);
    assert.equal(await page.locator('#questions-empty').isVisible(), true);

    // By mouse: a question answered by any of two options.
    await page.locator('#add-question').click();
    assert.equal(await activeId(page), 'q-0-id', 'the new question takes the focus');
    assert.equal(await page.locator('#q-0-id').inputValue(), 'q1', 'a short name is suggested');
    assert.equal(await page.locator('#q-0-options').isVisible(), false, 'a line of text has no options');
    await page.locator('#q-0-id').fill('sessions');
    await page.locator('#q-0-type').selectOption('multi');
    assert.equal(await page.locator('#q-0-max-length').isVisible(), false, 'choices have no length');
    await page.locator('#q-0-options-empty').waitFor();
    await page.locator('#q-0-label-ja').fill('参加するセッション');
    await page.locator('#q-0-label-en').fill('Sessions');
    await page.locator('#q-0-help-ja').fill('いくつでも選べます。');
    await page.locator('#q-0-add-option').click();
    assert.equal(await activeId(page), 'q-0-opt-0-value');
    await page.locator('#q-0-opt-0-value').fill('keynote');
    await page.locator('#q-0-opt-0-label-ja').fill('基調講演');
    await page.locator('#q-0-opt-0-label-en').fill('Keynote');
    await page.locator('#q-0-add-option').click();
    assert.equal(await activeId(page), 'q-0-opt-1-value');
    await page.locator('#q-0-opt-1-value').fill('qa');
    await page.locator('#q-0-opt-1-label-ja').fill('質疑応答');
    await page.locator('#q-0-opt-1-label-en').fill('Q&A');
    assert.equal(await page.locator('#q-0-options-empty').isVisible(), false);

    // By keyboard: a required agreement.
    await tabTo(page, 'add-question');
    await page.keyboard.press('Enter');
    assert.equal(await activeId(page), 'q-1-id');
    assert.equal(await page.locator('#q-1-id').inputValue(), 'q2');
    await page.keyboard.type('recording');  // the suggestion is selected: typing replaces it
    await page.keyboard.press('Tab');
    assert.equal(await activeId(page), 'q-1-type');
    await page.keyboard.press('End');  // the last type
    await poll(async () => (await page.locator('#q-1-type').inputValue()) === 'checkbox', { what: 'the type chosen by keyboard' });
    await page.keyboard.press('Tab');
    assert.equal(await activeId(page), 'q-1-label-ja', 'nothing hidden is in the way');
    await page.keyboard.type('録画の公開に同意する');
    await page.keyboard.press('Tab');
    await page.keyboard.type('I agree to the recording being published');
    await tabTo(page, 'q-1-required');
    await page.keyboard.press('Space');
    assert.equal(await page.locator('#q-1-required').isChecked(), true);
    assert.equal(await page.locator('#q-1-options').isVisible(), false);
    assert.equal(await page.locator('#q-1-max-length').isVisible(), false);
    assert.equal(await page.locator('#q-0-up').isDisabled(), true, 'the first cannot go up');
    assert.equal(await page.locator('#q-1-down').isDisabled(), true, 'the last cannot go down');
    assert.equal(await page.locator('#q-1-up').getAttribute('aria-label'), null);
    assert.equal((await page.locator('#q-1-up').textContent()).trim(), '質問 2：上へ', 'each button says which question');
    await screenshot(page, 'editor-questions');
    await tabTo(page, 'save');
    await page.keyboard.press('Enter');
    await savedMessage(page, '保存しました');

    const expected = [
      { id: 'sessions', type: 'multi', label: { ja: '参加するセッション', en: 'Sessions' },
        help: { ja: 'いくつでも選べます。', en: '' }, required: false,
        options: [{ value: 'keynote', label: { ja: '基調講演', en: 'Keynote' } },
                  { value: 'qa', label: { ja: '質疑応答', en: 'Q&A' } }] },
      { id: 'recording', type: 'checkbox', label: { ja: '録画の公開に同意する', en: 'I agree to the recording being published' },
        required: true },
    ];
    const after = (await adminGet(rd, SYMPOSIUM)).json;
    assert.deepEqual(after.questions, expected);
    const { questions, ...rest } = after;
    assert.deepEqual(rest, before, 'nothing else changed');

    // Read back into the blocks.
    await openEditor(page, rd, SYMPOSIUM);
    assert.equal(await page.locator('#questions > fieldset.question').count(), 2);
    assert.equal(await page.locator('#q-0-type').inputValue(), 'multi');
    assert.equal(await page.locator('#q-0-opt-1-label-en').inputValue(), 'Q&A');
    assert.equal(await page.locator('#q-1-id').inputValue(), 'recording');
    assert.equal(await page.locator('#q-1-required').isChecked(), true);

    // The sign-up page asks them, after the standard fields.
    await page.goto(rd.url(`/events/${SYMPOSIUM}`));
    const sessions = page.locator('[id="f-answers.sessions"]');
    await sessions.waitFor();
    assert.match(await sessions.locator('legend').textContent(), /参加するセッション/);
    assert.equal(await page.locator('[id="f-answers.sessions-hint"]').textContent(), 'いくつでも選べます。');
    await page.getByLabel('基調講演').waitFor();
    await page.getByLabel('質疑応答').waitFor();
    const agree = page.getByLabel('録画の公開に同意する');
    assert.equal(await agree.getAttribute('type'), 'checkbox');
    assert.equal(await agree.getAttribute('aria-required'), 'true');
    await screenshot(page, 'editor-questions-on-the-form');
  });

test('question errors are shown next to their controls and nothing is saved; a question is moved up and removed',
  { timeout: TEST_TIMEOUT }, async (t) => {
    const { rd, page } = await signedIn(t);
    const etag = (await adminGet(rd, SYMPOSIUM)).headers.get('etag');
    await openEditor(page, rd, SYMPOSIUM);
    await page.locator('#add-question').click();
    await page.locator('#q-0-id').fill('1st-comment');
    await page.locator('#q-0-type').selectOption('textarea');
    await page.locator('#q-0-label-ja').fill('ご意見');
    await page.locator('#add-question').click();
    await page.locator('#q-1-id').fill('role');
    await page.locator('#q-1-type').selectOption('select');
    await page.locator('#q-1-label-ja').fill('ご担当');
    await page.locator('#save').click();

    // Found before sending: the short name, and choices without options.
    await page.locator('#error-summary').waitFor();
    await poll(async () => (await activeId(page)) === 'form-status', { what: 'the focus on the error summary' });
    assert.deepEqual(await page.locator('#error-summary a').allTextContents(), [
      '質問 1・質問の識別名：英小文字で始まる、半角英小文字・数字・アンダースコア（_）の32文字以内にしてください。',
      '質問 2・選択肢：この種類の質問には、選択肢を1つ以上追加してください。',
    ]);
    assert.equal(await page.locator('#q-0-id').getAttribute('aria-invalid'), 'true');
    assert.match(await describedText(page, '#q-0-id'), /32文字以内にしてください.*回答の出力/, 'the error, then the hint');
    assert.equal(await page.locator('#q-1-options > #q-1-options-error').count(), 1, 'the error is in the options group');
    assert.match(await page.locator('#q-1-options-error').textContent(), /選択肢を1つ以上追加してください/);
    assert.match(await page.locator('#q-1-options').getAttribute('class'), /has-error/);
    assert.equal((await adminGet(rd, SYMPOSIUM)).headers.get('etag'), etag, 'nothing was stored');
    await screenshot(page, 'editor-questions-errors');
    // The summary's link leads to the button that adds an option.
    await page.locator('#error-summary a').nth(1).click();
    assert.equal(await activeId(page), 'q-1-add-option');

    // Found by the server: its keys lead to the controls (or the block, or the group).
    await page.locator('#q-0-id').fill('comments');
    await page.locator('#q-1-add-option').click();
    await page.locator('#q-1-opt-0-value').fill('pv');
    await page.locator('#q-1-opt-0-label-ja').fill('安全性');
    const refuse = (route) => (route.request().method() !== 'PUT' ? route.continue() : route.fulfill({
      status: 422, contentType: 'application/problem+json',
      body: JSON.stringify({ type: 'about:blank', title: '入力内容をご確認ください。', status: 422, code: 'validation_failed', errors: [
        { field: 'questions[1].options[0].label', code: 'invalid', message: 'needs at least one of ja, en' },
        { field: 'questions[0].options', code: 'invalid', message: 'only select and multi questions have options' },
        { field: 'questions[1].colour', code: 'invalid', message: 'is not a known key' },
        { field: 'questions[7].id', code: 'invalid', message: 'is used by another question' },
      ] }),
    }));
    await page.route(`**/api/v1/admin/events/${SYMPOSIUM}`, refuse);
    await page.locator('#save').click();
    await page.locator('#error-summary a').filter({ hasText: '表示名' }).waitFor();
    assert.deepEqual(await page.locator('#error-summary a').allTextContents(), [
      '申込フォームの独自の質問：ほかの質問と同じ識別名です。別の識別名にしてください。',
      '質問 1・種類：この種類の質問には選択肢を付けられません。',
      '質問 2：is not a known key',
      '質問 2・選択肢 1・表示名（日本語）：日本語か英語のどちらかの表示名を入力してください。',
    ]);
    assert.equal(await page.locator('#q-0-id').getAttribute('aria-invalid'), null, 'fixed fields are clear again');
    assert.equal(await page.locator('#q-1-opt-0-label-ja').getAttribute('aria-invalid'), 'true');
    assert.match(await describedText(page, '#q-1-opt-0-label-ja'), /日本語か英語のどちらかの表示名/);
    assert.equal(await page.locator('#q-0-type').getAttribute('aria-invalid'), 'true', 'hidden options: the type');
    assert.equal(await page.locator('#q-1 > #q-1-error').count(), 1, 'an unknown part: the block');
    assert.equal(await page.locator('#questions-group > #questions-group-error').count(), 1, 'no such question: the group');
    await screenshot(page, 'editor-questions-server-errors');
    await page.unroute(`**/api/v1/admin/events/${SYMPOSIUM}`, refuse);

    // Moved up: the focus stays with the question (on "down", as it cannot go further up).
    await page.locator('#q-1-up').click();
    assert.equal(await activeId(page), 'q-0-down');
    assert.equal(await page.locator('#q-0-id').inputValue(), 'role');
    assert.equal(await page.locator('#q-0-type').inputValue(), 'select');
    assert.equal(await page.locator('#q-0-opt-0-label-ja').inputValue(), '安全性');
    assert.equal(await page.locator('#q-1-id').inputValue(), 'comments');
    assert.equal(await page.locator('#q-1-type').inputValue(), 'textarea');
    assert.equal(await page.locator('#questions-status').textContent(), '質問「role」を1番目に移動しました。');
    await page.locator('#q-1-max-length').fill('400');
    await screenshot(page, 'editor-questions-moved');
    await page.setViewportSize({ width: 360, height: 740 });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `with questions, the editor is ${width}px wide`);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.locator('#save').click();
    await savedMessage(page, '保存しました');
    assert.deepEqual((await adminGet(rd, SYMPOSIUM)).json.questions, [
      { id: 'role', type: 'select', label: { ja: 'ご担当', en: '' }, required: false,
        options: [{ value: 'pv', label: { ja: '安全性', en: '' } }] },
      { id: 'comments', type: 'textarea', label: { ja: 'ご意見', en: '' }, required: false, max_length: 400 },
    ]);

    // Removed, though answered: the hint says the answers stay.
    const signUp = await rd.signUp(SYMPOSIUM, person(uniqueEmail('answered')), { answers: { role: 'pv', comments: 'よろしくお願いします。' } });
    assert.equal(signUp.status, 201, signUp.text);
    assert.match(await describedText(page, '#q-0-remove'), /削除しても、受け付けた回答は残ります/);
    await page.locator('#q-0-remove').click();
    assert.equal(await activeId(page), 'q-0-id', 'the focus goes to the question now in its place');
    assert.equal(await page.locator('#q-0-id').inputValue(), 'comments');
    assert.equal(await page.locator('#questions > fieldset.question').count(), 1);
    await page.locator('#save').click();
    await savedMessage(page, '保存しました');
    assert.deepEqual((await adminGet(rd, SYMPOSIUM)).json.questions.map((q) => q.id), ['comments']);

    // In English.
    await page.goto(rd.url(`/admin/editor?event=${SYMPOSIUM}&lang=en`));
    await page.locator('#page-title').filter({ hasText: 'Edit event:' }).waitFor();
    assert.equal(await page.locator('#questions-group > legend').textContent(), 'Your own questions');
    assert.equal(await page.locator('label[for="q-0-id"]').textContent(), 'Question short name');
    assert.deepEqual(await page.locator('#q-0-type option').allTextContents(), ['One line of text', 'Several lines of text',
      'Choose one (drop-down list)', 'Choose any (checkboxes)', 'Agreement (one checkbox)']);
    await page.locator('#add-question').click();
    assert.equal(await page.locator('#q-1-id').inputValue(), 'q2');
  });
