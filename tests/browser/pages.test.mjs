// Browser tests of the participant pages (issue 5): headless Debian chromium driven by
// playwright-core against the real regdesk binary, MariaDB and the aiosmtpd catcher that
// ops/test starts. Each test starts its own `regdesk serve` on a fresh database. Screenshots of
// every page state go to test-output/browser/.
//
//   ops/test -L browser                         (the normal way)
//   cd tests/browser && node --test pages.test.mjs   (after exporting ops/test's variables)

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';

import {
  ADMIN_TOKEN, NOW_OPEN, PASSWORD, SYMPOSIUM, addUser, cancelToken, dbQuery, expectAccessible, joinToken,
  poll,
  launchBrowser, newPage, screenshot, smallEvent, startService, uniqueEmail, waitForMail,
} from './lib/harness.mjs';

const TEST_TIMEOUT = 60000;
let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

// Starts a service (and a page) for one test; everything is stopped when the test ends.
async function setup(t, { now = NOW_OPEN, env = {}, viewport = {} } = {}) {
  const rd = await startService({ now, env });
  t.after(() => rd.stop());
  const { context, page, problems } = await newPage(browser, viewport);
  t.after(() => context.close());
  t.after(() => assert.deepEqual(problems, [], 'no script errors or CSP violations on the page'));
  return { rd, context, page, problems };
}

function person(overrides = {}) {
  return {
    name: '山田 太郎',
    name_kana: 'やまだ たろう',
    email: uniqueEmail('taro'),
    organization: 'テスト製薬株式会社',
    department: '安全管理部',
    category: 'industry',
    phone: '03-1234-5678',
    question: 'パネルディスカッションの資料は配布されますか？',
    ...overrides,
  };
}

async function openEvent(page, rd, slugName = SYMPOSIUM, query = '') {
  await page.goto(rd.url(`/events/${slugName}${query}`));
  await page.locator('#event-title').waitFor();
}

// Fills the sign-up form the way a person would (click, type); only the fields the event has.
async function fillForm(page, p, { confirmation = p.email, consent = true } = {}) {
  const has = async (name) => (await page.locator(`#f-${name}`).count()) > 0;
  await page.fill('#f-email', p.email);
  await page.fill('#f-email_confirmation', confirmation);
  for (const name of ['name', 'name_kana', 'organization', 'department', 'phone', 'question']) {
    if (p[name] !== undefined && (await has(name))) await page.fill(`#f-${name}`, p[name]);
  }
  if (p.category) await page.selectOption('#f-category', p.category);
  if (consent) await page.check('#f-consent_privacy');
}

async function text(page, selector) {
  return (await page.locator(selector).innerText()).trim();
}

async function activeId(page) {
  return page.evaluate(() => document.activeElement?.id ?? '');
}

async function noHorizontalScroll(page, width) {
  const sw = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(sw <= width, `page is ${sw} px wide at a ${width} px viewport (horizontal scroll)`);
}

// ------------------------------------------------------------------------------------------

test('index lists the events with times in the event zone, state, seats and links; English switch', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await setup(t);
  await page.goto(rd.url('/'));
  const symposium = page.locator(`.event-card:has(.event-card-title a[href^="/events/${SYMPOSIUM}"])`);
  await symposium.waitFor();
  assert.equal(await page.locator('.event-card').count(), 2);
  const card = await symposium.innerText();
  assert.match(card, /MID-NET®シンポジウム 2024/);
  assert.match(card, /2024年2月28日\(水\) 14:00〜17:00（日本時間）/);
  assert.match(card, /受付中/);
  assert.match(card, /残り 1,000 席/);
  // The web meeting opens on 2024-02-01: not open yet at the rehearsal clock.
  const meeting = await page.locator('.event-card.state-not-open').innerText();
  assert.match(meeting, /受付開始前/);
  assert.match(meeting, /2024年2月1日\(木\) 0:00（日本時間）から受付開始/);
  await screenshot(page, 'index-ja');

  await page.click('.lang-switch a[hreflang="en"]');
  await page.locator('h1', { hasText: 'Events' }).waitFor();
  assert.match(page.url(), /\?lang=en$/);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  const cardEn = await symposium.innerText();
  assert.match(cardEn, /MID-NET® Symposium 2024/);
  assert.match(cardEn, /Wed 28 Feb 2024, 14:00–17:00 \(Japan time\)/);
  assert.match(cardEn, /Open/);
  assert.match(cardEn, /1,000 seats left/);
  await screenshot(page, 'index-en');

  // The choice is remembered: a plain "/" comes back in English, with ?lang=en in the URL.
  await page.goto(rd.url('/'));
  await page.locator('h1', { hasText: 'Events' }).waitFor();
  assert.match(page.url(), /\?lang=en$/);
  await page.locator(`.event-card-title a[href="/events/${SYMPOSIUM}?lang=en"]`).click();
  await page.locator('#event-title', { hasText: 'MID-NET® Symposium 2024' }).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('regdesk.lang')), 'en');
});

test('sign-up in Japanese: 受付番号 1, the address, and the confirmation mail 【受付完了】', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await setup(t);
  await openEvent(page, rd);
  assert.equal(await text(page, '#event-title'), 'MID-NET®シンポジウム 2024');
  const header = await page.locator('#event-header').innerText();
  assert.match(header, /2024年2月28日\(水\) 14:00〜17:00（日本時間）/);
  assert.match(header, /2024年1月15日\(月\)〜2024年2月21日\(水\)（日本時間）/);
  assert.match(header, /残り 1,000 席/);

  // Every control has a bound label; required ones say 必須 and aria-required.
  const controls = await page.$$eval('#fields input, #fields select, #fields textarea', (els) =>
    els.map((c) => ({
      id: c.id,
      label: document.querySelector(`label[for="${c.id}"]`)?.textContent ?? null,
      ariaRequired: c.getAttribute('aria-required'),
      autocomplete: c.getAttribute('autocomplete'),
      inputmode: c.getAttribute('inputmode'),
    })));
  assert.deepEqual(controls.map((c) => c.id), [
    'f-email', 'f-email_confirmation', 'f-name', 'f-name_kana', 'f-organization', 'f-department',
    'f-category', 'f-phone', 'f-question', 'f-consent_privacy',
  ]);
  for (const c of controls) {
    assert.ok(c.label, `${c.id} has a label`);
    if (['f-phone', 'f-question'].includes(c.id)) assert.match(c.label, /任意/);
    else {
      assert.match(c.label, /必須/, `${c.id} is marked required`);
      assert.equal(c.ariaRequired, 'true', `${c.id} aria-required`);
    }
  }
  const byId = Object.fromEntries(controls.map((c) => [c.id, c]));
  assert.equal(byId['f-email'].autocomplete, 'email');
  assert.equal(byId['f-email'].inputmode, 'email');
  assert.equal(byId['f-name'].autocomplete, 'name');
  assert.equal(byId['f-organization'].autocomplete, 'organization');
  assert.equal(byId['f-phone'].autocomplete, 'tel');
  assert.equal(byId['f-phone'].inputmode, 'tel');
  assert.equal(await page.getByLabel('氏名 必須').count(), 1);
  await screenshot(page, 'event-form-ja');

  const p = person();
  await fillForm(page, p);
  await screenshot(page, 'event-form-ja-filled');
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/registrations')),
    page.click('#submit-button'),
  ]);
  await page.locator('#result').waitFor();
  assert.match(request.headers()['idempotency-key'], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(request.headers()['accept-language'], 'ja');
  const sent = request.postDataJSON();
  assert.equal(sent.locale, 'ja');
  assert.equal(sent.consent_privacy, true);
  assert.equal(sent.category, 'industry');
  assert.equal(sent.website, undefined, 'the honeypot is never sent');

  assert.equal(await text(page, '#result-heading'), 'お申込みを受け付けました');
  assert.equal(await text(page, '#receipt-number'), '1');
  assert.equal(await text(page, '#receipt-status'), '参加確定');
  assert.match(await text(page, '#mail-sent'), new RegExp(`確認メールを ${p.email.replace(/[.]/g, '\\.')} にお送りしました`));
  const result = await page.locator('#result').innerText();
  assert.match(result, /迷惑メール/);
  assert.match(result, /wakaru-midnet@pmda\.go\.jp/);
  assert.match(result, /03-3506-9710/);
  assert.equal(await activeId(page), 'result-heading', 'focus moves to the result');
  assert.ok(await page.locator('#signup').isHidden());
  await screenshot(page, 'event-result-ja');

  const [mail] = await waitForMail(p.email, { subjectHas: '【受付完了】' });
  assert.match(mail.subject, /MID-NET®シンポジウム 2024/);
  assert.match(mail.text, /山田 太郎/);
});

test('the same address again: 既に登録 (full-width input normalised)', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await setup(t);
  const first = await rd.signUp(SYMPOSIUM, person({ email: 'hanako@example.jp' }));
  assert.equal(first.status, 201, first.text);
  await openEvent(page, rd);
  await fillForm(page, person({ name: '佐藤 花子', name_kana: 'さとう はなこ', email: 'ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ' }));
  await page.click('#submit-button');
  await page.locator('#form-status .status-text').waitFor();
  assert.match(await text(page, '#form-status'), /既に登録されています/);
  assert.equal(await activeId(page), 'form-status', 'focus moves to the message');
  assert.equal(await page.locator('#form-status').getAttribute('aria-live'), 'assertive');
  assert.ok(await page.locator('#result').isHidden());
  await screenshot(page, 'event-duplicate-ja');
});

test('empty submit: every required field is marked invalid with its message; focus on the summary', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await setup(t);
  await openEvent(page, rd);
  await page.click('#submit-button');
  await page.locator('#form-status.status-error').waitFor();
  assert.equal(await activeId(page), 'form-status');
  const required = ['email', 'email_confirmation', 'name', 'name_kana', 'organization', 'department', 'category', 'consent_privacy'];
  for (const name of required) {
    const c = page.locator(`#f-${name}`);
    assert.equal(await c.getAttribute('aria-invalid'), 'true', `${name} aria-invalid`);
    const describedBy = (await c.getAttribute('aria-describedby')).split(' ');
    assert.ok(describedBy.includes(`f-${name}-error`), `${name} is described by its error`);
    const message = await text(page, `#f-${name}-error`);
    assert.ok(await page.locator(`#f-${name}-error`).isVisible(), `${name} error visible`);
    assert.match(message, /入力してください|同意してください/, `${name}: ${message}`);
  }
  for (const name of ['phone', 'question']) {
    assert.equal(await page.locator(`#f-${name}`).getAttribute('aria-invalid'), null, `${name} is optional`);
  }
  assert.match(await text(page, '#f-name-error'), /氏名を入力してください/);
  assert.match(await text(page, '#f-consent_privacy-error'), /個人情報の取扱いに同意してください/);
  const summary = await text(page, '#form-status');
  assert.match(summary, /入力内容をご確認ください（8\u00a0件）/);
  assert.equal(await page.locator('#form-status li a').count(), required.length);
  await screenshot(page, 'event-errors-ja');

  // A link in the summary takes the focus to its field.
  await page.locator('#form-status li a').nth(2).click();
  assert.equal(await activeId(page), 'f-name');

  // Fixing some fields clears their errors on the next submit; a wrong confirmation is named.
  const p = person();
  await fillForm(page, p, { confirmation: `x${p.email}` });
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/registrations')),
    page.click('#submit-button'),
  ]);
  await page.locator('#form-status li').first().waitFor();
  assert.match(await text(page, '#f-email_confirmation-error'), /メールアドレスが一致しません/);
  assert.equal(await page.locator('#f-name').getAttribute('aria-invalid'), null);
  assert.equal(await page.locator('[aria-invalid="true"]').count(), 1);
});

test('sold out with a waitlist: the full message, the offer, and キャンセル待ち position 1', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page, context } = await setup(t);
  await rd.putEvent(smallEvent('web-meeting-cap1'));
  await openEvent(page, rd, 'web-meeting-cap1');
  assert.match(await page.locator('#event-header').innerText(), /残り 1 席/);
  const p = person({ name: '鈴木 一郎', name_kana: 'すずき いちろう' });
  await fillForm(page, p);
  // Someone else takes the last seat while this person is still typing.
  const other = await rd.signUp('web-meeting-cap1', person());
  assert.equal(other.status, 201, other.text);

  const posts = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/registrations')) posts.push(r);
  });
  await page.click('#submit-button');
  await page.locator('#take-waitlist').waitFor();
  assert.match(await text(page, '#form-status'), /定員に達したため/);
  assert.match(await text(page, '#take-waitlist'), /キャンセル待ちに登録する/);
  assert.equal(await activeId(page), 'form-status');
  await screenshot(page, 'event-sold-out-offer-ja');

  await page.click('#take-waitlist');
  await page.locator('#result').waitFor();
  assert.equal(await text(page, '#result-heading'), 'キャンセル待ちとして受け付けました');
  assert.match(await text(page, '#receipt-status'), /キャンセル待ち（1 番目）/);
  assert.equal(posts.length, 2);
  assert.equal(posts[1].postDataJSON().waitlist, true);
  assert.notEqual(posts[0].headers()['idempotency-key'], posts[1].headers()['idempotency-key'],
    'a different body gets a new Idempotency-Key');
  await screenshot(page, 'event-waitlisted-ja');

  // Someone arriving now sees 満席 and signs up for the waitlist directly.
  const second = await context.newPage();
  await openEvent(second, rd, 'web-meeting-cap1');
  assert.match(await second.locator('#event-header').innerText(), /満席/);
  assert.match(await text(second, '#availability'), /キャンセル待ちに登録できます/);
  assert.equal(await text(second, '#submit-button'), 'キャンセル待ちに登録する');
  await screenshot(second, 'event-full-waitlist-ja');
  await fillForm(second, person({ name: '高橋 次郎' }));
  await second.click('#submit-button');
  await second.locator('#result').waitFor();
  assert.match(await text(second, '#receipt-status'), /キャンセル待ち（2 番目）/);
});

test('before the window: not open yet, with the opening time; no form', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await setup(t, { now: '2024-01-10T10:00:00+09:00' });
  await openEvent(page, rd);
  const notice = await text(page, '#availability-notice');
  assert.match(notice, /申込受付はまだ始まっていません/);
  assert.match(notice, /2024年1月15日\(月\) 0:00（日本時間）/);
  assert.match(await page.locator('#event-header').innerText(), /受付開始前/);
  assert.ok(await page.locator('#signup-form').isHidden());
  await screenshot(page, 'event-not-open-ja');
});

test('a draft: not found for the public; an organiser signed in previews it and cannot sign up', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await setup(t);
  const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  const copy = await rd.request('POST', `/api/v1/admin/events/${SYMPOSIUM}/copy`,
    { body: { slug: 'midnet-symposium-2025' }, headers: admin });
  assert.equal(copy.status, 201, copy.text);
  await page.goto(rd.url('/events/midnet-symposium-2025?preview=1'));
  await page.locator('h1', { hasText: 'お探しのイベントは見つかりませんでした。' }).waitFor();
  assert.ok(await page.locator('#signup').isHidden(), 'nothing for the public');
  // Signed in as an organiser (the session cookie), the preview shows it, without sign-up.
  await addUser(rd, 'editor@example.jp', 'editor');
  const r = await page.request.post(rd.url('/api/v1/admin/session'),
    { data: { email: 'editor@example.jp', password: PASSWORD } });
  assert.equal(r.status(), 200);
  await page.goto(rd.url('/events/midnet-symposium-2025?preview=1'));
  await page.locator('#preview-notice').waitFor();
  assert.match(await text(page, '#preview-notice'), /プレビュー（下書き）/);
  assert.equal(await page.locator('#submit-button').isDisabled(), true);
  await screenshot(page, 'event-draft-preview-ja');
});

test('after the window: closed; no form (and an unknown event, the organiser page)', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await setup(t, { now: '2024-02-25T10:00:00+09:00' });
  await openEvent(page, rd);
  assert.match(await text(page, '#availability-notice'), /申込受付は終了しました/);
  assert.match(await page.locator('#event-header').innerText(), /受付終了/);
  assert.ok(await page.locator('#signup-form').isHidden());
  await screenshot(page, 'event-closed-ja');

  await page.goto(rd.url('/'));
  await page.locator('.closed-heading').waitFor();
  assert.match(await page.locator('.event-list-closed').innerText(), /MID-NET®シンポジウム 2024/);

  // An unknown event says so and links back; the organiser page is served and not broken.
  await page.goto(rd.url('/events/no-such-event'));
  await page.locator('h1', { hasText: 'お探しのイベントは見つかりませんでした。' }).waitFor();
  assert.equal(await page.locator('#event-header a').getAttribute('href'), '/');
  assert.ok(await page.locator('#signup').isHidden());
  const admin = await page.goto(rd.url('/admin'));
  assert.equal(admin.status(), 200);
  await page.locator('h1').first().waitFor();

  // Every page links the accessibility statement, which says how the pages are tested.
  await page.goto(rd.url('/'));
  await page.locator('.site-footer a[href="/accessibility"]').click();
  await page.locator('h1', { hasText: 'アクセシビリティ方針' }).waitFor();
  assert.match(await page.locator('main').innerText(), /axe-core 4\.10\.3/);
  await screenshot(page, 'accessibility-statement');
});

test('English: switch keeps what was typed; labels, errors and the result in English', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await setup(t);
  await openEvent(page, rd);
  const p = person({ name: 'Taro Yamada', name_kana: 'やまだ たろう', organization: 'Test Pharma', department: 'Safety' });
  await page.fill('#f-email', p.email);
  await page.fill('#f-name', p.name);
  await page.click('.lang-switch a[hreflang="en"]');
  await page.locator('#event-title', { hasText: 'MID-NET® Symposium 2024' }).waitFor();
  assert.match(page.url(), /\?lang=en$/);
  assert.equal(await page.inputValue('#f-email'), p.email, 'typed text survives the switch');
  assert.match(await page.locator('label[for="f-email"]').innerText(), /E-mail address\s+required/);
  assert.match(await page.locator('label[for="f-phone"]').innerText(), /Phone\s+optional/);
  assert.match(await page.locator('#event-header').innerText(), /Wed 28 Feb 2024, 14:00–17:00 \(Japan time\)/);
  assert.equal(await text(page, '#submit-button'), 'Register');
  assert.equal(await page.locator('#f-category option[value="industry"]').innerText(), 'Marketing-authorisation holder (industry)');

  await page.click('#submit-button');
  await page.locator('#form-status.status-error').waitFor();
  assert.match(await text(page, '#form-status'), /Please check these \d+ fields/);
  assert.match(await text(page, '#f-organization-error'), /Organisation is required/);
  await screenshot(page, 'event-errors-en');

  await fillForm(page, p);
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/registrations')),
    page.click('#submit-button'),
  ]);
  await page.locator('#result').waitFor();
  assert.equal(request.postDataJSON().locale, 'en');
  assert.equal(request.headers()['accept-language'], 'en');
  assert.equal(await text(page, '#result-heading'), 'You are registered');
  assert.match(await page.locator('#result').innerText(), /Registration number\s+1/);
  assert.equal(await text(page, '#receipt-status'), 'Confirmed');
  assert.match(await text(page, '#mail-sent'), new RegExp(`A confirmation mail was sent to ${p.email.replace(/[.]/g, '\\.')}`));
  assert.match(await page.locator('#result').innerText(), /spam/);
  await screenshot(page, 'event-result-en');
  await waitForMail(p.email);
});

test('a 360×740 phone: no horizontal scroll, large tap targets, the whole flow', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await setup(t, { viewport: { width: 360, height: 740 } });
  await page.goto(rd.url('/'));
  await page.locator('.event-card').first().waitFor();
  await noHorizontalScroll(page, 360);
  await screenshot(page, 'phone-index-ja');

  await openEvent(page, rd);
  await noHorizontalScroll(page, 360);
  for (const sel of ['#f-email', '#f-name', '#f-category', '#submit-button', 'label[for="f-consent_privacy"]', '.lang-switch a[hreflang="en"]']) {
    const box = await page.locator(sel).boundingBox();
    assert.ok(box.height >= 44, `${sel} is ${box.height} px high`);
  }
  const submit = await page.locator('#submit-button').boundingBox();
  assert.ok(submit.width >= 280, `the button spans the column (${submit.width} px)`);
  await screenshot(page, 'phone-event-form-ja');

  await page.click('#submit-button');
  await page.locator('#form-status.status-error').waitFor();
  await noHorizontalScroll(page, 360);
  await screenshot(page, 'phone-event-errors-ja');

  await fillForm(page, person({ email: uniqueEmail('a-rather-long-address-for-a-small-screen') }));
  await page.click('#submit-button');
  await page.locator('#result').waitFor();
  await noHorizontalScroll(page, 360);
  await screenshot(page, 'phone-event-result-ja');

  await page.click('.lang-switch a[hreflang="en"]');
  await page.locator('#result-heading', { hasText: 'You are registered' }).waitFor();
  await noHorizontalScroll(page, 360);
  await screenshot(page, 'phone-event-result-en');
});

test('keyboard only: Tab, Space and Enter (arrow key in the select) sign up', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await setup(t);
  await openEvent(page, rd);
  const visited = [];
  // Tab until the element with ID has the focus (bounded); remembers every stop.
  const tabTo = async (id) => {
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const now = await activeId(page);
      visited.push(now);
      if (now === id) return;
    }
    assert.fail(`Tab never reached #${id}; stops: ${visited.join(', ')}`);
  };
  const p = person();
  await tabTo('f-email');
  await page.keyboard.type(p.email);
  await tabTo('f-email_confirmation');
  await page.keyboard.type(p.email);
  for (const name of ['name', 'name_kana', 'organization', 'department']) {
    await tabTo(`f-${name}`);
    await page.keyboard.type(p[name]);
  }
  await tabTo('f-category');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.inputValue('#f-category'), 'industry');
  await tabTo('f-consent_privacy');
  await page.keyboard.press('Space');
  assert.ok(await page.isChecked('#f-consent_privacy'));
  await tabTo('submit-button');
  assert.ok(!visited.includes('f-website'), 'the honeypot is never a Tab stop');
  // The focus ring is visible on the button.
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none');
  await screenshot(page, 'keyboard-focus-submit');
  await page.keyboard.press('Enter');
  await page.locator('#result').waitFor();
  assert.equal(await text(page, '#receipt-number'), '1');
  assert.equal(await activeId(page), 'result-heading');
});

test('the honeypot is invisible, unreachable, and when filled nothing is sent', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await setup(t);
  await openEvent(page, rd);
  const hp = page.locator('#f-website');
  assert.equal(await hp.getAttribute('name'), 'website');
  assert.equal(await hp.getAttribute('tabindex'), '-1');
  assert.equal(await hp.getAttribute('autocomplete'), 'off');
  assert.equal(await page.locator('.hp').getAttribute('aria-hidden'), 'true');
  const box = await hp.boundingBox();
  assert.ok(box === null || box.x + box.width <= 0 || box.y + box.height <= 0, `honeypot on screen: ${JSON.stringify(box)}`);
  // Not in the accessibility tree either.
  assert.equal(await page.getByRole('textbox', { name: /ウェブサイト|Website/ }).count(), 0);

  const posts = [];
  page.on('request', (r) => {
    if (r.method() === 'POST') posts.push(r.url());
  });
  await fillForm(page, person());
  await page.evaluate(() => {
    document.getElementById('f-website').value = 'http://spam.example';
  });
  await page.click('#submit-button');
  await page.locator('#form-status .status-text').waitFor();
  assert.deepEqual(posts, [], 'nothing was sent');
  assert.ok(await page.locator('#result').isHidden());
});

test('double submission: one request in flight, the same Idempotency-Key for a retry, a new one after a change', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await setup(t);
  await openEvent(page, rd);
  const posts = [];
  let failNext = false;
  // The retry is held on the wire until the test has looked at the button: otherwise a fast
  // answer re-enables it first, and the check would race the server.
  let hold = null;
  await page.route('**/registrations', async (route) => {
    posts.push(route.request());
    if (failNext) {
      failNext = false;
      await route.abort('connectionreset');
    } else {
      if (hold) await hold;
      await route.continue();
    }
  });
  const p = person();
  await fillForm(page, { ...p, name: '' });
  await page.click('#submit-button');
  await page.locator('#f-name[aria-invalid="true"]').waitFor();

  // Changed content, and the answer is lost on the way: the page says so.
  await page.fill('#f-name', p.name);
  failNext = true;
  await page.click('#submit-button');
  await page.locator('#form-status .status-text', { hasText: '通信できませんでした' }).waitFor();
  await screenshot(page, 'event-network-error-ja');

  // The retry: two submits at once make one request, with the key of the lost one.
  let release;
  hold = new Promise((resolve) => { release = resolve; });
  await page.evaluate(() => {
    const form = document.getElementById('signup-form');
    form.requestSubmit();
    form.requestSubmit();
  });
  assert.ok(await page.locator('#submit-button').isDisabled(), 'the button is disabled in flight');
  release();
  await page.locator('#result').waitFor();
  assert.equal(posts.length, 3);
  const keys = posts.map((r) => r.headers()['idempotency-key']);
  assert.notEqual(keys[0], keys[1], 'a change makes a new key');
  assert.equal(keys[1], keys[2], 'a retry of the same content keeps its key');
  assert.equal(await text(page, '#receipt-number'), '1');
});

test('429 and 503: a human message that says when to try again', { timeout: TEST_TIMEOUT }, async (t) => {
  // A limit of one sign-up per minute per address: the API call below uses it up.
  const { rd, page } = await setup(t, { env: { REGDESK_RATE_LIMIT: '1' } });
  const first = await rd.signUp(SYMPOSIUM, person());
  assert.equal(first.status, 201, first.text);
  await openEvent(page, rd);
  await fillForm(page, person());
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/registrations')),
    page.click('#submit-button'),
  ]);
  assert.equal(response.status(), 429);
  const retryAfter = Number(response.headers()['retry-after']);
  assert.ok(retryAfter > 0);
  const expected = retryAfter < 90 ? `${retryAfter} 秒ほど後に` : `${Math.ceil(retryAfter / 60)} 分ほど後に`;
  await page.locator('#form-status .status-text').waitFor();
  const message = await text(page, '#form-status');
  assert.ok(message.includes(expected), `${message} says "${expected}"`);
  assert.match(message, /もう一度「申し込む」を押してください/);
  assert.equal(await activeId(page), 'form-status');
  await screenshot(page, 'event-rate-limited-ja');

  // A database outage answers 503 with Retry-After (here simulated on the wire).
  await page.route('**/registrations', (route) => route.fulfill({
    status: 503,
    headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '120' },
    body: JSON.stringify({ code: 'unavailable', status: 503, title: 'x', detail: 'x' }),
  }));
  await page.click('.lang-switch a[hreflang="en"]');
  await page.click('#submit-button');
  await page.locator('#form-status .status-text', { hasText: 'temporarily unavailable' }).waitFor();
  assert.match(await text(page, '#form-status'), /again in about 2 minutes/);
  await screenshot(page, 'event-unavailable-en');
});

test('cancel page: the link from the mail shows the registration, the button cancels', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await setup(t);
  await openEvent(page, rd);
  const p = person();
  await fillForm(page, p);
  await page.click('#submit-button');
  await page.locator('#result').waitFor();
  const [mail] = await waitForMail(p.email, { subjectHas: '【受付完了】' });
  const token = cancelToken(mail);

  await page.goto(rd.url(`/cancel?token=${token}`));
  await page.locator('h1', { hasText: 'お申込み内容の確認・変更' }).waitFor();
  await page.locator('h2', { hasText: '参加登録のキャンセル' }).waitFor();
  const shown = await page.locator('main').innerText();
  assert.match(shown, /MID-NET®シンポジウム 2024/);
  assert.match(shown, /受付番号\s+1/);
  // The stylesheet applies to the server-rendered page too.
  const buttonBg = await page.locator('form.warning button').evaluate((b) => getComputedStyle(b).backgroundColor);
  assert.equal(buttonBg, 'rgb(179, 38, 30)');
  await screenshot(page, 'cancel-confirm-ja');
  const before = await rd.request('GET', `/api/v1/registrations/self?token=${token}`);
  assert.equal(before.json.status, 'confirmed', 'opening the link cancels nothing');

  await page.click('form.warning button[type="submit"]');
  await page.locator('p.done').waitFor();
  assert.match(await text(page, 'p.done'), /キャンセルを受け付けました/);
  await screenshot(page, 'cancel-done-ja');
  await page.setViewportSize({ width: 360, height: 740 });
  await noHorizontalScroll(page, 360);
  await screenshot(page, 'phone-cancel-done-ja');
  const after = await rd.request('GET', `/api/v1/registrations/self?token=${token}`);
  assert.equal(after.json.status, 'cancelled');
});

test('the page from the mail edits the details: pre-filled, every error at its field, saved, by keyboard at 360 px', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await setup(t, { viewport: { width: 360, height: 740 } });
  await rd.putEvent(smallEvent('edit-me', {
    questions: [{ id: 'role', type: 'select', label: { ja: 'ご担当', en: 'Role' }, required: true,
      options: [{ value: 'pv', label: { ja: '安全性', en: 'Safety' } }, { value: 'epi', label: { ja: '疫学', en: 'Epidemiology' } }] }],
  }));
  const p = person();
  const signed = await rd.signUp('edit-me', { ...p, locale: 'ja', consent_privacy: true, answers: { role: 'pv' } });
  assert.equal(signed.status, 201);
  const [mail] = await waitForMail(p.email, { subjectHas: '【受付完了】' });
  const token = cancelToken(mail);
  await page.goto(rd.url(`/cancel?token=${token}`));
  await page.locator('#edit-form:not([hidden])').waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
  assert.equal(await text(page, '#edit-heading'), 'お申込み内容の変更');
  // Pre-filled; the address shown read-only.
  assert.equal(await page.inputValue('#f-organization'), 'テスト製薬株式会社');
  assert.equal(await page.inputValue('#f-answers\\.role'), 'pv');
  assert.equal(await page.inputValue('#f-email-readonly'), p.email);
  assert.equal(await page.locator('#f-email-readonly').getAttribute('readonly'), '');
  await noHorizontalScroll(page, 360);
  await screenshot(page, 'phone-manage-edit-ja');

  // Two errors at once, by keyboard: focus goes to the summary, each error at its field.
  await page.fill('#f-name', '');
  await page.fill('#f-phone', 'abc');
  await page.focus('#edit-submit');
  await page.keyboard.press('Enter');
  await page.locator('#edit-status.status-error li').nth(1).waitFor();
  assert.equal(await activeId(page), 'edit-status');
  assert.match(await text(page, '#f-name-error'), /氏名を入力してください/);
  assert.equal(await page.locator('#f-phone').getAttribute('aria-invalid'), 'true');
  await screenshot(page, 'phone-manage-edit-errors-ja');
  const unchanged = await rd.request('GET', `/api/v1/registrations/self?token=${token}`);
  assert.equal(unchanged.json.name, '山田 太郎');

  // Fixed and saved with the keyboard alone.
  await page.focus('#f-name');
  await page.keyboard.type('山田 花子');
  await page.fill('#f-phone', '03-9876-5432');
  await page.focus('#f-answers\\.role');
  await page.keyboard.press('ArrowDown');  // pv -> epi
  await page.focus('#edit-submit');
  await page.keyboard.press('Enter');
  await page.locator('#edit-status', { hasText: '変更を保存しました' }).waitFor();
  await screenshot(page, 'phone-manage-edit-saved-ja');
  const saved = await rd.request('GET', `/api/v1/registrations/self?token=${token}`);
  assert.equal(saved.json.name, '山田 花子');
  assert.equal(saved.json.phone, '03-9876-5432');
  assert.equal(saved.json.answers.role, 'epi');
  assert.equal(saved.json.email, p.email);
});

test('the event page mails the links again and says the same for any address', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await setup(t);
  const p = person();
  assert.equal((await rd.signUp(SYMPOSIUM, { ...p, locale: 'ja', consent_privacy: true })).status, 201);
  await waitForMail(p.email, { subjectHas: '【受付完了】' });
  await openEvent(page, rd);
  await page.locator('#resend:not([hidden])').waitFor();
  await page.fill('#resend-email', 'not-an-address');
  await page.click('#resend-button');
  await page.locator('#resend-email-error:not([hidden])').waitFor();
  assert.equal(await activeId(page), 'resend-email');
  await page.fill('#resend-email', p.email);
  await page.keyboard.press('Enter');
  await page.locator('#resend-status', { hasText: '再送しました' }).waitFor();
  const known = await text(page, '#resend-status');
  await screenshot(page, 'event-resend-done-ja');
  await waitForMail(p.email, { count: 2, subjectHas: '【受付完了】' });
  await page.fill('#resend-email', uniqueEmail('nobody'));
  await page.click('#resend-button');
  await poll(async () => (await text(page, '#resend-status')) === known, { what: 'the same answer' });
});

test('the join page: before the meeting opens it says when; a link that is not valid says so', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await setup(t);
  // The meeting link is mailed at once when its time (60 days before) has passed.
  await rd.putEvent(smallEvent('join-later', { mail: { meeting_link_before: 'P60D', reminders_before: [] } }));
  const p = person();
  assert.equal((await rd.signUp('join-later', p)).status, 201);
  const [mail] = await waitForMail(p.email, { subjectHas: '参加URLのご案内' });
  await page.goto(rd.url(`/join/${joinToken(mail)}`));
  await page.locator('h1', { hasText: 'MID-NET® Web面会（テスト）' }).waitFor();
  assert.match(await page.locator('main').innerText(), /参加用リンクは次の時刻から有効になります/);
  await screenshot(page, 'join-not-yet-ja');
  await page.goto(rd.url(`/join/${'0'.repeat(54)}`));
  await page.locator('h1', { hasText: 'オンライン参加' }).waitFor();
  assert.match(await page.locator('main').innerText(), /このリンクではご参加いただけません/);
  await screenshot(page, 'join-invalid-ja');
});

test('the join page while the meeting is open: a GET shows the button, the button (by keyboard) joins', { timeout: TEST_TIMEOUT }, async (t) => {
  // Ten minutes before the start: the join window (10 minutes) is open.
  const { rd, page } = await setup(t, { now: '2024-03-12T09:55:00+09:00' });
  await rd.putEvent(smallEvent('join-now', { registration: { opens_at: '2024-01-10T00:00:00+09:00', closes_at: '2024-03-12T11:00:00+09:00' } }));
  const p = person();
  assert.equal((await rd.signUp('join-now', p)).status, 201);
  const [mail] = await waitForMail(p.email, { subjectHas: '参加URLのご案内' });
  let meetingOpened = false;
  await page.route('https://meeting.example.jp/**', (route) => {
    meetingOpened = true;
    return route.fulfill({ status: 200, contentType: 'text/html', body: '<title>meeting</title>' });
  });
  await page.goto(rd.url(`/join/${joinToken(mail)}`));
  const button = page.getByRole('button', { name: 'Web会議に参加する' });
  await button.waitFor();
  await screenshot(page, 'join-open-ja');
  const [[before]] = await dbQuery(rd.dbUrl, 'SELECT join_count FROM registrations');
  assert.equal(before, '0', 'opening the page is not joining');
  await button.focus();
  await page.keyboard.press('Enter');
  await poll(() => meetingOpened, { what: 'the meeting page' });
  const [[after]] = await dbQuery(rd.dbUrl, 'SELECT join_count FROM registrations');
  assert.equal(after, '1');
});

test('the unsubscribe page (a GET changes nothing; the button by keyboard stops announcements) and the certificate check page', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await setup(t);
  const p = person();
  assert.equal((await rd.signUp(SYMPOSIUM, p)).status, 201);
  const sent = await rd.request('POST', `/api/v1/admin/events/${SYMPOSIUM}/announcements`, {
    body: { subject: '資料公開', body: '資料を公開しました。', to: 'confirmed' },
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  assert.equal(sent.status, 202);
  const [mail] = await waitForMail(p.email, { subjectHas: '資料公開' });
  const link = /https?:\/\/\S+(\/unsubscribe\/[A-Za-z0-9_-]+)/.exec(mail.text);
  assert.ok(link, mail.text);
  await page.goto(rd.url(link[1]));
  const button = page.getByRole('button', { name: 'お知らせを停止する' });
  await button.waitFor();
  await screenshot(page, 'unsubscribe-ja');
  const [[before]] = await dbQuery(rd.dbUrl, 'SELECT unsubscribed_at IS NULL FROM registrations');
  assert.equal(before, '1', 'opening the page changes nothing');
  await button.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('status').filter({ hasText: 'お知らせの配信を停止しました' }).waitFor();
  await screenshot(page, 'unsubscribe-done-ja');
  const [[afterwards]] = await dbQuery(rd.dbUrl, 'SELECT unsubscribed_at IS NULL FROM registrations');
  assert.equal(afterwards, '0');

  // A valid certificate: an event that issues them, a report giving 60 minutes.
  await rd.putEvent(smallEvent('with-certificates', { certificate: { min_minutes: 30 } }));
  const q = person();
  assert.equal((await rd.signUp('with-certificates', q)).status, 201);
  const report = 'Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\r\n' +
    `山田 太郎,${q.email},03/12/2024 10:00:00 AM,03/12/2024 11:00:00 AM,60,No\r\n`;
  const imported = await fetch(rd.url('/api/v1/admin/events/with-certificates/attendance'), {
    method: 'POST', body: report,
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'text/csv' },
  });
  assert.equal(imported.status, 200);
  const [confirmation] = await waitForMail(q.email, { subjectHas: '受付完了' });
  const pdf = await fetch(rd.url(`/certificate/${cancelToken(confirmation)}`));
  assert.equal(pdf.status, 200);
  const pdfText = execFileSync('pdftotext', ['-', '-'], { input: Buffer.from(await pdf.arrayBuffer()) }).toString();
  const number = /with-certificates-\d{6}-[0-9A-Z]{8}/.exec(pdfText)[0];
  await page.goto(rd.url(`/certificates/${number}`));
  await page.getByRole('status').filter({ hasText: 'この参加証明書は有効です' }).waitFor();
  assert.match(await page.locator('main').innerText(), /60分/);
  await screenshot(page, 'certificate-valid-ja');

  await page.goto(rd.url('/certificates/midnet-symposium-2024-000001-ABCDEFGH'));
  await page.locator('h1', { hasText: '参加証明書の確認' }).waitFor();
  assert.match(await page.locator('main').innerText(), /この番号の参加証明書は見つかりません/);
  await screenshot(page, 'certificate-unknown-ja');
});

test('a form with the organiser\'s questions, in Japanese at 360 px: errors beside each question, then the answers on the result', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await setup(t, { viewport: { width: 360, height: 740 } });
  const questions = [
    { id: 'panel', type: 'textarea', label: { ja: 'パネルディスカッションへの質問', en: 'Question for the panel' },
      help: { ja: '頂いた質問から選んで当日お答えします。', en: 'We answer a selection on the day.' }, required: false, max_length: 400 },
    { id: 'sessions', type: 'multi', label: { ja: '参加するセッション', en: 'Sessions' }, required: true,
      options: [{ value: 'keynote', label: { ja: '基調講演', en: 'Keynote' } },
                { value: 'qa', label: { ja: '質疑応答', en: 'Q&A' } }] },
    { id: 'role', type: 'select', label: { ja: 'ご担当', en: 'Role' }, required: true,
      options: [{ value: 'pv', label: { ja: '安全性', en: 'Safety' } }, { value: 'epi', label: { ja: '疫学', en: 'Epidemiology' } }] },
    { id: 'accommodation', type: 'text', label: { ja: '合理的配慮のご希望', en: 'Accommodation' }, required: false },
    { id: 'recording', type: 'checkbox', label: { ja: '録画の公開に同意する', en: 'I agree to the recording' }, required: true },
  ];
  await rd.putEvent(smallEvent('asks', { capacity: 5, questions }));
  await openEvent(page, rd, 'asks');
  await page.getByText('頂いた質問から選んで当日お答えします。').waitFor();
  const p = person();
  await fillForm(page, p);
  await page.locator('#signup-form button[type=submit]').click();
  // The required questions left unanswered: each says so beside itself.
  await page.locator('[id="f-answers.sessions-error"]').filter({ hasText: '参加するセッション' }).waitFor();
  assert.match(await text(page, '[id="f-answers.role-error"]'), /ご担当/);
  assert.match(await text(page, '[id="f-answers.recording-error"]'), /録画の公開に同意する/);
  await noHorizontalScroll(page, 360);
  await screenshot(page, 'phone-questions-errors-ja');
  await page.locator('[id="f-answers.panel"]').fill('データの対象期間を教えてください。');
  await page.getByLabel('基調講演').check();
  await page.getByLabel('質疑応答').check();
  await page.locator('[id="f-answers.role"]').selectOption('epi');
  await page.getByLabel('録画の公開に同意する').check();
  await page.locator('#signup-form button[type=submit]').click();
  await page.locator('#result-heading').waitFor();
  const result = await text(page, '#result');
  assert.match(result, /ご回答内容/);
  assert.match(result, /基調講演、質疑応答/);
  assert.match(result, /疫学/);
  await noHorizontalScroll(page, 360);
  await screenshot(page, 'phone-questions-result-ja');
  const [mail] = await waitForMail(p.email, { subjectHas: '受付完了' });
  assert.match(mail.text, /参加するセッション：基調講演、質疑応答/);
});

test('an event with approval: the form says registrations are reviewed; the result says 承認待ち, not confirmed', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await setup(t, { viewport: { width: 360, height: 740 } });
  const event = smallEvent('briefing-approval', { capacity: 5 });
  event.registration = { ...event.registration, approval: 'required' };
  await rd.putEvent(event);
  await openEvent(page, rd, 'briefing-approval');
  assert.match(await page.locator('#event-header').innerText(), /承認制/);
  assert.match(await text(page, '#approval-notice'), /お申込みの後に主催者が確認し/);
  const p = person();
  await fillForm(page, p);
  await page.click('#submit-button');
  await page.locator('#result').waitFor();
  assert.equal(await text(page, '#result-heading'), 'お申込みを受け付けました（主催者が確認します）');
  assert.equal(await text(page, '#receipt-status'), '承認待ち（参加は未確定）');
  assert.match(await text(page, '#pending-note'), /それまでは参加確定ではありません/);
  await noHorizontalScroll(page, 360);
  await screenshot(page, 'event-result-pending');
  await waitForMail(p.email, { subjectHas: '【受付・審査中】' });
});

test('by invitation: the link carries the code; without it the form asks for one and explains a wrong one', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await setup(t, { viewport: { width: 360, height: 740 } });
  await rd.putEvent(smallEvent('nda-briefing', { capacity: 20, eligibility: { invitation_required: true } }));
  const made = await rd.request('POST', '/api/v1/admin/events/nda-briefing/invitations', {
    body: { organization: 'テスト製薬株式会社', max_uses: 5 }, headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  assert.equal(made.status, 201);
  const { code } = made.json;

  // Through the link: no code to type, the notice says so, the sign-up goes through.
  await openEvent(page, rd, 'nda-briefing', `?invitation=${code}`);
  assert.match(await text(page, '#invitation-notice'), /ご招待のリンクからお申込み/);
  assert.equal(await page.locator('#f-invitation').count(), 0);
  await fillForm(page, person());
  await page.click('#submit-button');
  await page.locator('#result').waitFor();
  assert.equal(await text(page, '#receipt-status'), '参加確定');

  // Without the link: the code is asked for; a wrong one is explained, the right one typed by hand works.
  await openEvent(page, rd, 'nda-briefing');
  assert.match(await text(page, '#invitation-notice'), /招待制です/);
  assert.match(await page.locator('label[for="f-invitation"]').innerText(), /招待コード/);
  await page.fill('#f-invitation', 'WRONG-CODE-0000');
  await fillForm(page, person());
  await page.click('#submit-button');
  await poll(async () => /招待コードが確認できませんでした/.test(await page.locator('#form-status').innerText()));
  await screenshot(page, 'event-invitation-refused');
  await page.fill('#f-invitation', `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`.toLowerCase());
  await page.click('#submit-button');
  await page.locator('#result').waitFor();
  await noHorizontalScroll(page, 360);
  const rows = await rd.request('GET', '/api/v1/admin/events/nda-briefing/invitations',
    { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
  assert.equal(rows.json.invitations[0].uses, 2);
});

test('the accessibility check itself fails on a page with violations', { timeout: TEST_TIMEOUT }, async (t) => {
  const { context, page } = await newPage(browser);
  t.after(() => context.close());
  // Every screenshot above passed axe-core; this proves the check can fail.
  await page.setContent('<html><body><img src="data:,"><a href="#"></a></body></html>');
  await assert.rejects(expectAccessible(page, 'a broken page'),
    (e) => /image-alt/.test(e.message) && /html-has-lang/.test(e.message) && /link-name/.test(e.message));
});
