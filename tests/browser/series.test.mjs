// Browser tests of dated series (issue 10): the page /series/{slug} of a web-meeting series of
// one-person slots in Japanese on a 360 px phone (dates in Japan time, seats left, 満席 and
// 受付終了), axe-core clean (WCAG 2.1 AA), reached and used by keyboard (Tab to a date, Enter to
// its sign-up form), the event page's link back to the series, English; and the editor's
// series fields saved through the same PUT. Against the real binary, MariaDB and aiosmtpd.
//
//   ops/test -L browser
//   cd tests/browser && node --test series.test.mjs   (after exporting ops/test's variables)

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  ADMIN_TOKEN, PASSWORD, addUser, launchBrowser, newPage, screenshot, smallEvent, startService, uniqueEmail,
} from './lib/harness.mjs';

const TEST_TIMEOUT = 90000;
const BEARER = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const SERIES = 'web-meeting-2024-03';
let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

// A one-person slot of the series on 12 March 2024 at HOUR:MINUTE JST, no waitlist.
function slot(slugName, hour, minute, overrides = {}) {
  const hh = String(hour).padStart(2, '0');
  const start = `2024-03-12T${hh}:${String(minute).padStart(2, '0')}:00+09:00`;
  const endMinutes = hour * 60 + minute + 30;
  const end = `2024-03-12T${String(Math.floor(endMinutes / 60)).padStart(2, '0')}:${String(endMinutes % 60).padStart(2, '0')}:00+09:00`;
  return smallEvent(slugName, {
    title: { ja: 'MID-NET® Web面会（2024年3月）', en: 'MID-NET® web meeting (March 2024)' },
    starts_at: start,
    ends_at: end,
    capacity: 1,
    waitlist: { enabled: false, capacity: 0 },
    series: SERIES,
    ...overrides,
  });
}

async function threeSlots(rd) {
  await rd.putEvent(slot('slot-1000', 10, 0, {
    series_title: { ja: 'MID-NET® Web面会 3月12日の枠', en: 'MID-NET® web meetings, 12 March' },
  }));
  await rd.putEvent(slot('slot-1030', 10, 30));
  // Its window closed before the rehearsal clock (2024-01-15 10:00 JST).
  await rd.putEvent(slot('slot-1100', 11, 0, {
    registration: { opens_at: '2024-01-01T00:00:00+09:00', closes_at: '2024-01-10T00:00:00+09:00' },
  }));
  const taken = await rd.signUp('slot-1030', {
    name: '佐藤 花子', name_kana: 'さとう はなこ', email: uniqueEmail('first'), organization: 'テスト製薬株式会社',
    category: 'industry',
  });
  assert.equal(taken.status, 201, taken.text);
}

async function setup(t, viewport = {}) {
  const rd = await startService();
  t.after(() => rd.stop());
  const { context, page, problems } = await newPage(browser, viewport);
  t.after(() => context.close());
  t.after(() => assert.deepEqual(problems, [], 'no script errors or CSP violations on the page'));
  return { rd, page };
}

async function noHorizontalScroll(page, width) {
  const sw = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(sw <= width, `page is ${sw} px wide at a ${width} px viewport (horizontal scroll)`);
}

test('the series page in Japanese at 360 px: dates in Japan time, 残り 1 席 / 満席 / 受付終了, axe clean; Tab and Enter reach a date\'s form; the event links back', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await setup(t, { width: 360, height: 740 });
  await threeSlots(rd);

  await page.goto(rd.url(`/series/${SERIES}`));
  await page.locator('h1').waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'ja');
  assert.equal((await page.locator('h1').innerText()).trim(), 'MID-NET® Web面会 3月12日の枠');
  assert.equal(await page.title(), 'MID-NET® Web面会 3月12日の枠 | イベント参加申込');
  const items = page.locator('.series-date');
  assert.equal(await items.count(), 3);
  const texts = await items.allInnerTexts();
  assert.match(texts[0], /2024年3月12日\(火\) 10:00〜10:30（日本時間）/);
  assert.match(texts[0], /受付中/);
  assert.match(texts[0], /残り 1 席/);
  assert.match(texts[1], /2024年3月12日\(火\) 10:30〜11:00（日本時間）/);
  assert.match(texts[1], /満席/);
  assert.doesNotMatch(texts[1], /残り/);
  assert.match(texts[2], /受付終了/);
  const hrefs = await page.$$eval('.series-date h2 a', (as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(hrefs, ['/events/slot-1000', '/events/slot-1030', '/events/slot-1100']);
  await noHorizontalScroll(page, 360);
  for (const sel of ['.series-date h2 a', '.lang-switch a[hreflang="en"]']) {
    const box = await page.locator(sel).first().boundingBox();
    assert.ok(box.height >= 44, `${sel} is ${box.height} px high`);
  }
  await screenshot(page, 'series-phone-ja'); // axe-core, WCAG 2.1 AA

  // Keyboard only: Tab from the top of the page to the first date, Enter opens its sign-up form.
  const stops = [];
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Tab');
    const href = await page.evaluate(() => document.activeElement?.getAttribute('href') ?? '');
    stops.push(href);
    if (href === '/events/slot-1000') break;
  }
  assert.equal(stops.at(-1), '/events/slot-1000', `Tab stops: ${stops.join(', ')}`);
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none', 'the focused date shows its focus ring');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/events\/slot-1000$/);
  await page.locator('#event-title').waitFor();
  await page.locator('#f-email').waitFor();
  assert.match(await page.locator('#event-header').innerText(), /2024年3月12日\(火\) 10:00〜10:30（日本時間）/);
  await noHorizontalScroll(page, 360);

  // The event page of a date links back to its series.
  const back = page.locator('#series-link');
  assert.equal(await back.getAttribute('href'), `/series/${SERIES}`);
  assert.equal((await back.innerText()).trim(), 'ほかの日程を見る（日程一覧）');
  await screenshot(page, 'series-event-phone-ja');
  await back.click();
  await page.waitForURL(new RegExp(`/series/${SERIES}$`));
  await page.locator('.series-date').first().waitFor();

  // The full slot's own page says so and offers no form.
  await page.goto(rd.url('/events/slot-1030'));
  await page.locator('#availability-notice').waitFor();
  assert.match(await page.locator('#availability-notice').innerText(), /定員に達した/);
  assert.equal(await page.locator('#signup-form').isHidden(), true);
});

test('the series page in English keeps the language into a date; an unknown series is a page that says so', { timeout: TEST_TIMEOUT }, async (t) => {
  const { rd, page } = await setup(t);
  await threeSlots(rd);

  await page.goto(rd.url(`/series/${SERIES}`));
  await page.locator('.lang-switch a[hreflang="en"]').click();
  await page.waitForURL(/\?lang=en$/);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.equal((await page.locator('h1').innerText()).trim(), 'MID-NET® web meetings, 12 March');
  const texts = await page.locator('.series-date').allInnerTexts();
  assert.match(texts[0], /Tue 12 Mar 2024, 10:00–10:30 \(Japan time\)/);
  assert.match(texts[0], /1 seat left/);
  assert.match(texts[1], /Full/);
  assert.match(texts[2], /Closed/);
  await screenshot(page, 'series-en');
  await page.locator('.series-date h2 a').first().click();
  await page.locator('#event-title', { hasText: 'MID-NET® web meeting (March 2024)' }).waitFor();
  assert.equal((await page.locator('#series-link').innerText()).trim(), 'See the other dates');
  assert.equal(await page.locator('#series-link').getAttribute('href'), `/series/${SERIES}?lang=en`);

  const res = await page.goto(rd.url('/series/no-such-series'));
  assert.equal(res.status(), 404);
  assert.match(await page.locator('main').innerText(), /お探しの日程一覧は見つかりませんでした/);
  await screenshot(page, 'series-not-found');
});

// Signed in through /admin as an owner.
async function signedIn(t, rd) {
  const { context, page, problems } = await newPage(browser);
  t.after(() => context.close());
  t.after(() => assert.deepEqual(problems, [], 'no script errors or CSP violations on the page'));
  await addUser(rd, 'owner@example.jp', 'owner');
  await page.goto(rd.url('/admin'));
  await page.locator('#signin').waitFor();
  await page.locator('#email').fill('owner@example.jp');
  await page.locator('#password').fill(PASSWORD);
  await page.locator('#signin-form button[type=submit]').click();
  await page.locator('#dashboard').waitFor();
  return page;
}

test('the editor puts an event into a series with its title, refuses a bad series name beside the field, and takes it out again', { timeout: TEST_TIMEOUT }, async (t) => {
  const rd = await startService();
  t.after(() => rd.stop());
  await rd.putEvent(slot('slot-0900', 9, 0, { series: undefined }));
  const page = await signedIn(t, rd);
  await page.goto(rd.url('/admin/editor?event=slot-0900'));
  await page.locator('#page-title').filter({ hasText: 'イベントの編集：' }).waitFor();
  assert.equal(await page.inputValue('#series'), '');
  assert.equal(await page.locator('#series-title-ja').isDisabled(), true, 'no series, nothing to name');

  // A name the server would refuse is shown next to the field before anything is sent.
  await page.locator('#series').fill('Web Meetings');
  await page.locator('#save').click();
  await page.locator('#series-error').waitFor();
  assert.equal(await page.locator('#series').getAttribute('aria-invalid'), 'true');
  await screenshot(page, 'editor-series-error');

  await page.locator('#series').fill(SERIES);
  assert.equal(await page.locator('#series-title-ja').isDisabled(), false);
  await page.locator('#series-title-ja').fill('MID-NET® Web面会');
  await page.locator('#series-title-en').fill('MID-NET® web meetings');
  await page.locator('#save').click();
  await page.locator('#messages').filter({ hasText: '保存しました' }).waitFor();
  const doc = (await rd.request('GET', '/api/v1/admin/events/slot-0900', { headers: BEARER })).json;
  assert.equal(doc.series, SERIES);
  assert.deepEqual(doc.series_title, { ja: 'MID-NET® Web面会', en: 'MID-NET® web meetings' });
  await screenshot(page, 'editor-series-saved');

  const listed = await rd.request('GET', `/api/v1/series/${SERIES}`);
  assert.equal(listed.status, 200, listed.text);
  assert.equal(listed.json.title.ja, 'MID-NET® Web面会');
  assert.deepEqual(listed.json.events.map((e) => e.slug), ['slot-0900']);

  // Reloaded, the fields show what was stored; emptied, the event leaves the series.
  await page.reload();
  await page.locator('#page-title').filter({ hasText: 'イベントの編集：' }).waitFor();
  assert.equal(await page.inputValue('#series'), SERIES);
  assert.equal(await page.inputValue('#series-title-en'), 'MID-NET® web meetings');
  await page.locator('#series').fill('');
  await page.locator('#save').click();
  await page.locator('#messages').filter({ hasText: '保存しました' }).waitFor();
  const cleared = (await rd.request('GET', '/api/v1/admin/events/slot-0900', { headers: BEARER })).json;
  assert.equal(cleared.series, undefined);
  assert.equal(cleared.series_title, undefined);
  assert.equal((await rd.request('GET', `/api/v1/series/${SERIES}`)).status, 404);
});
