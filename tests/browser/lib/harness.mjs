// Harness for the browser tests: the real regdesk binary on a fresh database, the mail the
// SMTP catcher stored, and headless Debian chromium through playwright-core.
//
// Run through ops/test, which starts a private MariaDB and an aiosmtpd catcher and exports
// REGDESK_TEST_DB_URL, REGDESK_TEST_DB_ADMIN, REGDESK_TEST_SMTP_URL, REGDESK_TEST_MAILDIR and
// REGDESK_BIN (the same contract as tests/blackbox/harness.py). Synchronisation is by polling
// with a deadline or by reading the server's output, never by sleeping.

import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const WEB_ROOT = path.join(REPO_ROOT, 'web');
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-output', 'browser');
export const SEED_EVENTS = path.join(REPO_ROOT, 'config', 'events');
export const SYMPOSIUM = 'midnet-symposium-2024';
// A fixed admin token (64 hex digits), as in the Python harness.
export const ADMIN_TOKEN = '0123456789abcdef'.repeat(4);
export const PUBLIC_URL = 'http://regdesk.test';
// Inside the seed symposium's window (2024-01-15 .. 2024-02-22 JST).
export const NOW_OPEN = '2024-01-15T10:00:00+09:00';

export function envVar(name) {
  const v = process.env[name];
  if (!v) {
    throw new Error(
      `${name} is not set: run the browser tests through ops/test (ops/test -L browser), which ` +
        'starts MariaDB and an SMTP catcher and exports REGDESK_TEST_DB_URL, REGDESK_TEST_DB_ADMIN, ' +
        'REGDESK_TEST_SMTP_URL, REGDESK_TEST_MAILDIR and REGDESK_BIN',
    );
  }
  return v;
}

// ---------------------------------------------------------------- polling

// Calls fn until it returns something truthy and returns that; fails naming WHAT after the
// deadline. Exceptions count as "not yet" and the last one is reported.
export async function poll(fn, { deadlineMs = 10000, intervalMs = 50, what = 'condition' } = {}) {
  const end = Date.now() + deadlineMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() >= end) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}; last: ${last}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

// ---------------------------------------------------------------- database

// "mariadb --no-defaults -h127.0.0.1 ..." into argv (plain words, optional quotes).
function splitCommand(s) {
  const out = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m;
  while ((m = re.exec(s))) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

let dbCounter = 0;

// A fresh, empty utf8mb4 database; its full mysql:// URL.
export async function newDatabase() {
  const name = `rdb_${process.pid}_${++dbCounter}_${randomBytes(3).toString('hex')}`;
  const [cmd, ...args] = splitCommand(envVar('REGDESK_TEST_DB_ADMIN'));
  await execFileP(cmd, [...args, '-e', `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`], {
    timeout: 60000,
  });
  return envVar('REGDESK_TEST_DB_URL') + name;
}

// ---------------------------------------------------------------- the service

const live = new Set();

process.on('exit', () => {
  for (const rd of live) rd.proc?.kill('SIGKILL');
});
// ctest's timeout or ops/test's cleanup: never leave a server behind (playwright closes the
// browser on these signals itself).
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    for (const rd of live) rd.proc?.kill('SIGKILL');
    setImmediate(() => process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1)));
  });
}

export class Regdesk {
  constructor(dbUrl, env = {}) {
    this.dbUrl = dbUrl;
    this.env = env;
    this.proc = null;
    this.output = '';
    this.baseUrl = null;
  }

  environ() {
    const env = {
      ...process.env,
      REGDESK_LISTEN: '127.0.0.1:0',
      REGDESK_DB_URL: this.dbUrl,
      REGDESK_SMTP_URL: envVar('REGDESK_TEST_SMTP_URL'),
      REGDESK_ADMIN_TOKEN: ADMIN_TOKEN,
      REGDESK_PUBLIC_URL: PUBLIC_URL,
      REGDESK_RATE_LIMIT: '0',
      REGDESK_WEB_ROOT: WEB_ROOT,
    };
    for (const [k, v] of Object.entries(this.env)) {
      if (v === null || v === undefined) delete env[k];
      else env[k] = String(v);
    }
    return env;
  }

  // `regdesk ARGS...` to completion; throws with its output when it fails.
  async check(...args) {
    try {
      return await execFileP(envVar('REGDESK_BIN'), args, { env: this.environ(), timeout: 60000 });
    } catch (e) {
      throw new Error(`regdesk ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
  }

  // Starts `regdesk serve` and waits for "listening on http://127.0.0.1:PORT".
  async start(deadlineMs = 20000) {
    this.proc = spawn(envVar('REGDESK_BIN'), ['serve'], { env: this.environ(), stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(this);
    const onData = (chunk) => {
      this.output += chunk.toString('utf8');
    };
    this.proc.stdout.on('data', onData);
    this.proc.stderr.on('data', onData);
    const exited = new Promise((resolve) => this.proc.once('exit', resolve));
    const port = await Promise.race([
      poll(() => /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(this.output)?.[1], {
        deadlineMs,
        what: "regdesk's 'listening on' line",
      }),
      exited.then((code) => {
        throw new Error(`regdesk serve exited with ${code} before listening:\n${this.output}`);
      }),
    ]);
    this.baseUrl = `http://127.0.0.1:${port}`;
    return this;
  }

  async stop() {
    const p = this.proc;
    if (!p) return;
    live.delete(this);
    if (p.exitCode !== null || p.signalCode !== null) return;
    const gone = new Promise((resolve) => p.once('exit', resolve));
    p.kill('SIGTERM');
    const timer = setTimeout(() => p.kill('SIGKILL'), 10000);
    await gone;
    clearTimeout(timer);
  }

  url(pathname) {
    return this.baseUrl + pathname;
  }

  async request(method, pathname, { body, headers = {} } = {}) {
    const h = { ...headers };
    if (body !== undefined) h['Content-Type'] = 'application/json';
    const res = await fetch(this.url(pathname), {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  // Create or replace an event with the admin API.
  async putEvent(doc) {
    const res = await this.request('PUT', `/api/v1/admin/events/${doc.slug}`, {
      body: doc,
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    if (res.status !== 200 && res.status !== 201) throw new Error(`PUT event ${doc.slug}: ${res.status} ${res.text}`);
    return res.json;
  }

  async signUp(slugName, person, extra = {}) {
    return this.request('POST', `/api/v1/events/${slugName}/registrations`, {
      body: { ...person, locale: 'ja', consent_privacy: true, ...extra },
    });
  }
}

export const PASSWORD = 'correct horse battery staple';

// `regdesk admin add-user EMAIL --role ROLE [--events A,B] [--totp]`, the password on stdin;
// resolves to what it printed (with --totp: the secret).
export function addUser(rd, email, role, { events = [], totp = false, password = PASSWORD } = {}) {
  const args = ['admin', 'add-user', email, '--role', role];
  if (events.length) args.push('--events', events.join(','));
  if (totp) args.push('--totp');
  return new Promise((resolve, reject) => {
    const p = spawn(envVar('REGDESK_BIN'), args, { env: rd.environ(), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (c) => { out += c; });
    p.stderr.on('data', (c) => { out += c; });
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`add-user ${email}: ${out}`))));
    p.stdin.end(`${password}\n`);
  });
}

// RFC 6238 code for a base32 secret at unix time AT (seconds), as an authenticator app shows.
export function totpCode(secret, at) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, '0');
}

// SQL against the database of DB_URL (for a test to age a session instead of waiting).
export async function dbQuery(dbUrl, sql) {
  const [cmd, ...args] = splitCommand(envVar('REGDESK_TEST_DB_ADMIN'));
  const name = new URL(dbUrl).pathname.slice(1);
  const { stdout } = await execFileP(cmd, [...args, '--batch', '--skip-column-names', name, '-e', sql], { timeout: 60000 });
  return stdout.split('\n').filter(Boolean).map((line) => line.split('\t'));
}

// A fresh database with the schema and the seed events (none with EMPTY), and `regdesk serve`
// on it. NOW: the rehearsal clock (REGDESK_NOW); ENV: more overrides.
export async function startService({ now = NOW_OPEN, env = {}, empty = false } = {}) {
  const rd = new Regdesk(await newDatabase(), { REGDESK_NOW: now, ...env });
  await rd.check('migrate');
  const seeds = readdirSync(SEED_EVENTS).filter((f) => f.endsWith('.json')).map((f) => path.join(SEED_EVENTS, f));
  if (!empty) await rd.check('events', 'import', ...seeds);
  await rd.start();
  return rd;
}

// A small event (the shape of config/events/midnet-web-meeting-2024-03.json), open at NOW_OPEN.
export function smallEvent(slugName, overrides = {}) {
  return {
    slug: slugName,
    title: { ja: 'MID-NET® Web面会（テスト）', en: 'MID-NET® web meeting (test)' },
    description: { ja: '少人数・先着順の個別Web面会です。', en: 'One-to-one web meetings. Few seats.' },
    starts_at: '2024-03-12T10:00:00+09:00',
    ends_at: '2024-03-12T11:00:00+09:00',
    timezone: 'Asia/Tokyo',
    venue: 'online',
    fee: 0,
    capacity: 1,
    registration: { opens_at: '2024-01-10T00:00:00+09:00', closes_at: '2024-03-09T00:00:00+09:00' },
    waitlist: { enabled: true, capacity: 5 },
    meeting: { url: 'https://meeting.example.jp/j/test', passcode: '', join_opens_minutes_before: 10 },
    mail: { meeting_link_before: 'P1D', reminders_before: ['PT1H'] },
    contact: { name: 'PMDA 医療情報科学部 ＭＩＤ－ＮＥＴ問合せ窓口', email: 'wakaru-midnet@pmda.go.jp', phone: '03-3506-9710' },
    program_url: 'https://www.pmda.go.jp/safety/symposia/0027.html',
    fields: [
      { name: 'name', required: true },
      { name: 'name_kana', required: false },
      { name: 'organization', required: true },
      { name: 'department', required: false },
      { name: 'category', required: true },
      { name: 'phone', required: false },
      { name: 'question', required: false },
    ],
    visibility: 'public',
    ...overrides,
  };
}

export function uniqueEmail(prefix = 'user') {
  return `${prefix}-${randomBytes(6).toString('hex')}@example.test`;
}

// ---------------------------------------------------------------- mail

function decodeCharset(bytes, charset = 'utf-8') {
  try {
    return new TextDecoder(charset.toLowerCase()).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function qpBytes(s, underscoreIsSpace) {
  const out = [];
  const src = underscoreIsSpace ? s.replace(/_/g, ' ') : s.replace(/=\r?\n/g, '');
  for (let i = 0; i < src.length; i++) {
    if (src[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(src.slice(i + 1, i + 3))) {
      out.push(parseInt(src.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      out.push(src.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(out);
}

// RFC 2047 encoded words (=?UTF-8?B?...?=), whitespace between adjacent ones dropped.
export function decodeHeader(value) {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, charset, enc, text) =>
      decodeCharset(enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : qpBytes(text, true), charset));
}

// One MIME entity from a latin1 string (one char per byte): headers, decoded body, parts.
function parseEntity(raw) {
  const m = /\r?\n\r?\n/.exec(raw);
  const head = m ? raw.slice(0, m.index) : raw;
  const body = m ? raw.slice(m.index + m[0].length) : '';
  const headers = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    (headers[name] ??= []).push(line.slice(i + 1).trim());
  }
  const ctype = headers['content-type']?.[0] ?? 'text/plain';
  const type = ctype.split(';')[0].trim().toLowerCase();
  const param = (name) => new RegExp(`${name}="?([^";]+)"?`, 'i').exec(ctype)?.[1];
  const entity = { headers, type, charset: param('charset') ?? 'utf-8', parts: [], bytes: null };
  if (type.startsWith('multipart/')) {
    const boundary = param('boundary');
    const chunks = body.split(`--${boundary}`);
    for (const chunk of chunks.slice(1)) {
      if (chunk.startsWith('--')) break;
      entity.parts.push(parseEntity(chunk.replace(/^\r?\n/, '').replace(/\r?\n$/, '')));
    }
    return entity;
  }
  const cte = (headers['content-transfer-encoding']?.[0] ?? '7bit').toLowerCase();
  if (cte === 'base64') entity.bytes = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  else if (cte === 'quoted-printable') entity.bytes = qpBytes(body, false);
  else entity.bytes = Buffer.from(body, 'latin1');
  return entity;
}

function firstText(entity) {
  if (entity.type === 'text/plain' && entity.bytes) return decodeCharset(entity.bytes, entity.charset);
  for (const p of entity.parts) {
    const t = firstText(p);
    if (t !== null) return t;
  }
  return null;
}

// Every message in the catcher's maildir (new/ and cur/) addressed to TO, oldest first, as
// {subject, to, text, file}.
export function mailsTo(to, root = envVar('REGDESK_TEST_MAILDIR')) {
  const files = [];
  for (const sub of ['new', 'cur']) {
    let names = [];
    try {
      names = readdirSync(path.join(root, sub));
    } catch {
      continue;
    }
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const file = path.join(root, sub, name);
      try {
        files.push({ file, mtime: statSync(file).mtimeMs });
      } catch {
        // moved from new/ to cur/ meanwhile
      }
    }
  }
  files.sort((a, b) => a.mtime - b.mtime);
  const want = to.toLowerCase();
  const out = [];
  for (const { file } of files) {
    let raw;
    try {
      raw = readFileSync(file).toString('latin1');
    } catch {
      continue;
    }
    const entity = parseEntity(raw);
    const toHeader = (entity.headers.to ?? []).join(', ').toLowerCase();
    if (!toHeader.includes(want)) continue;
    out.push({
      file,
      subject: decodeHeader(entity.headers.subject?.[0] ?? ''),
      to: toHeader,
      text: firstText(entity) ?? '',
    });
  }
  return out;
}

// The messages to TO once at least COUNT (whose subject contains SUBJECT_HAS) have arrived.
export async function waitForMail(to, { count = 1, subjectHas = null, deadlineMs = 20000 } = {}) {
  return poll(() => {
    const msgs = mailsTo(to).filter((m) => !subjectHas || m.subject.includes(subjectHas));
    return msgs.length >= count ? msgs : null;
  }, { deadlineMs, what: `${count} mail(s) to ${to}${subjectHas ? ` with "${subjectHas}"` : ''}` });
}

export function cancelToken(mail) {
  const m = /https?:\/\/\S+\/cancel\?token=([A-Za-z0-9_-]+)/.exec(mail.text);
  if (!m) throw new Error(`no cancel link in the mail:\n${mail.text}`);
  return m[1];
}

// The personal join link's token from a meeting-link mail.
export function joinToken(mail) {
  const m = /https?:\/\/\S+\/join\/([A-Za-z0-9_-]+)/.exec(mail.text);
  if (!m) throw new Error(`no join link in the mail:\n${mail.text}`);
  return m[1];
}

// ---------------------------------------------------------------- the browser

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.REGDESK_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60000,
  });
}

// A fresh context (own storage) and page. Collects page errors and console errors (a CSP
// violation shows up there), so a test can assert there were none.
export async function newPage(browser, { width = 1280, height = 900, locale = 'ja-JP' } = {}) {
  const context = await browser.newContext({
    viewport: { width, height },
    locale,
    timezoneId: 'Europe/London', // not the event's zone: times must come from the event's zone
    deviceScaleFactor: 1,
  });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (msg) => {
    // 4xx answers the page handles are logged by Chromium as "Failed to load resource".
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) {
      problems.push(`console: ${msg.text()}`);
    }
  });
  return { context, page, problems };
}

// axe-core, evaluated through the DevTools protocol (so the pages' CSP does not block it).
const AXE_SOURCE = readFileSync(
  path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'axe-core', 'axe.min.js'),
  'utf8');
// WCAG 2.0 and 2.1, levels A and AA: what JIS X 8341-3:2016 AA asks of public bodies' sites.
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// Fails with every violation axe-core finds on the page as it is now.
export async function expectAccessible(page, what) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ` +
      v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', '));
  }, AXE_TAGS);
  // The list is in the message itself: Node 18's assert shows no diff when given a message.
  assert.equal(violations.length, 0,
    `axe-core found WCAG 2.1 AA violations on ${what}:\n${violations.join('\n')}`);
}

let shotCounter = 0;

// Every screenshot is a page state worth keeping: each is checked by axe-core first.
export async function screenshot(page, name) {
  await expectAccessible(page, name);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${String(++shotCounter).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
