// The sign-up page at /events/{slug}: the event, its window state, the form built from the
// event's fields, errors next to their fields, the waitlist offer, and the result.

import {
  api, append, clear, el, formatInstant, formatNumber, initLangSwitch,
  initialLang, localHref, periodNode, setLang, stateBadge, t, currentLang, waitText, windowNode,
} from './common.js';
import {
  CATEGORIES, FIELD_SPECS, LOCAL_FIELD_MESSAGES, errorFor, field, hintFor, localized, questionField,
  questionLabel, requiredMark,
} from './signup_fields.js';
import { initResendForm } from './resend_links.js';

const REQUEST_TIMEOUT_MS = 30000;

const slug = decodeURIComponent(location.pathname.replace(/^\/events\//, '').replace(/\/$/, ''));

const dom = {
  header: document.getElementById('event-header'),
  signup: document.getElementById('signup'),
  signupHeading: document.getElementById('signup-heading'),
  availability: document.getElementById('availability'),
  status: document.getElementById('form-status'),
  form: document.getElementById('signup-form'),
  fields: document.getElementById('fields'),
  honeypot: document.getElementById('f-website'),
  submit: document.getElementById('submit-button'),
  result: document.getElementById('result'),
  contact: document.getElementById('contact'),
  contactBody: document.getElementById('contact-body'),
};

const state = {
  event: null,
  loadError: null, // 'not_found' | 'failed'
  waitlistMode: false, // the form signs up for the waitlist (the event is full)
  formClosed: false, // nothing can be sent any more (closed, sold out without waitlist)
  key: null, // Idempotency-Key of the current form content
  keyBody: null, // the body (JSON) that key was made for
  inFlight: false,
  outcome: null, // what #form-status shows: {kind: 'errors', errors} | {kind: 'problem', ...}
  fieldErrors: [], // [{field, code, message, lang}]
  receipt: null,
  // The code of the invitation link the person came by (?invitation=), sent with the sign-up.
  invitation: new URLSearchParams(location.search).get('invitation') || '',
};

function eventTitle(e) {
  return e.title[currentLang()] || e.title.ja;
}

// ---------------------------------------------------------------- the event

function renderHeader() {
  const h = dom.header;
  clear(h);
  h.setAttribute('aria-busy', 'false');
  if (state.loadError) {
    document.title = t('site_name');
    h.append(
      el('h1', {}, state.loadError === 'not_found' ? t('not_found') : t('load_failed')),
      el('p', {}, state.loadError === 'not_found'
        ? el('a', { href: localHref('/') }, t('back_to_list'))
        : el('a', { class: 'button-link', href: location.href }, t('reload'))));
    return;
  }
  const e = state.event;
  if (!e) {
    h.setAttribute('aria-busy', 'true');
    h.append(el('p', { class: 'loading' }, t('loading')));
    return;
  }
  const r = e.registration;
  document.title = `${eventTitle(e)} | ${t('site_name')}`;
  const facts = [
    [t('fact_when'), periodNode(e.starts_at, e.ends_at, e.timezone)],
    [t('fact_venue'), e.venue === 'online' ? t('venue_online') : e.venue],
    [t('fact_fee'), Number(e.fee) === 0 ? t('fee_free') : t('fee_yen', formatNumber(e.fee))],
    [t('fact_capacity'), t('capacity_text', formatNumber(e.capacity))],
    [t('fact_window'), windowNode(r.opens_at, r.closes_at, e.timezone)],
  ];
  append(h, [
    el('h1', { id: 'event-title' }, eventTitle(e)),
    el('p', { class: 'event-status' },
      stateBadge(r),
      r.state === 'full' && r.waitlist_available ? el('span', { class: 'badge badge-waitlist' }, t('waitlist_open')) : null,
      e.restricted ? el('span', { class: 'badge badge-restricted' }, t('restricted')) : null,
      r.approval === 'required' ? el('span', { class: 'badge badge-restricted' }, t('approval_required')) : null,
      r.state === 'open' ? el('span', { class: 'seats', id: 'seats-remaining' }, t('seats_left', formatNumber(r.seats_remaining))) : null),
    el('dl', { class: 'facts' }, facts.map(([k, v]) => el('div', {}, el('dt', {}, k), el('dd', {}, v)))),
    e.description?.[currentLang()] ? el('p', { class: 'description' }, e.description[currentLang()]) : null,
    e.program_url
      ? el('p', {}, el('a', { href: e.program_url, rel: 'noopener noreferrer' }, t('program_link')), t('external'))
      : null,
    // One date of a series: the way back to the others (full dates send people there).
    e.series
      ? el('p', { class: 'series-link' },
        el('a', { id: 'series-link', href: localHref(`/series/${encodeURIComponent(e.series)}`) }, t('series_link')))
      : null]);
}

function renderContact() {
  const c = state.event?.contact;
  if (!c || (!c.name && !c.email && !c.phone) || state.receipt) {
    dom.contact.hidden = true;
    return;
  }
  dom.contact.hidden = false;
  clear(dom.contactBody).append(contactBlock(c));
}

function contactBlock(c) {
  return el('address', { class: 'contact-block' },
    c.name ? el('p', { class: 'contact-name' }, c.name) : null,
    c.email ? el('p', {}, `${t('contact_mail')}: `, el('a', { href: `mailto:${c.email}` }, c.email)) : null,
    c.phone ? el('p', {}, `${t('contact_phone')}: `, el('a', { href: `tel:${c.phone.replace(/[^0-9+]/g, '')}` }, c.phone)) : null);
}

// The window state as a notice above the form; hides the form when nothing can be sent.
function renderAvailability() {
  const e = state.event;
  clear(dom.availability);
  if (!e) return;
  const r = e.registration;
  let notice = null;
  if (r.state === 'not_open') {
    notice = el('p', { class: 'notice notice-info', id: 'availability-notice' }, t('notice_not_open', formatInstant(r.opens_at, e.timezone)));
  } else if (r.state === 'closed') {
    notice = el('p', { class: 'notice notice-closed', id: 'availability-notice' }, t('notice_closed'));
  } else if (r.state === 'full' && state.outcome?.code !== 'sold_out') {
    // (after a sold_out answer the status message above the form says it, with the offer)
    notice = el('p', { class: 'notice notice-warning', id: 'availability-notice' },
      r.waitlist_available ? t('notice_full_waitlist') : t('notice_full'));
  }
  if (e.preview) {
    dom.availability.append(el('p', { class: 'notice notice-info', id: 'preview-notice' }, t('notice_preview')));
  }
  if (notice) dom.availability.append(notice);
  if (r.approval === 'required' && !['closed', 'not_open'].includes(r.state)) {
    dom.availability.append(el('p', { class: 'notice notice-info', id: 'approval-notice' }, t('notice_approval')));
  }
  if (e.invitation_required && !['closed', 'not_open'].includes(r.state)) {
    dom.availability.append(el('p', { class: 'notice notice-info', id: 'invitation-notice' },
      state.invitation ? t('notice_invitation_link') : t('notice_invitation')));
  } else if (e.restricted && !['closed', 'not_open'].includes(r.state)) {
    dom.availability.append(el('p', { class: 'notice notice-info' }, t('err_not_eligible')));
  }
  const canSend = !state.formClosed && (r.state === 'open' || (r.state === 'full' && r.waitlist_available));
  dom.form.hidden = !canSend;
  dom.submit.disabled = state.inFlight || !!e.preview;  // a draft takes no sign-ups
  dom.signupHeading.textContent = state.waitlistMode ? t('waitlist_heading') : t('signup_heading');
  dom.submit.textContent = state.inFlight ? t('sending') : state.waitlistMode ? t('submit_waitlist') : t('submit');
}

// ---------------------------------------------------------------- the form

function buildForm(e) {
  clear(dom.fields);
  // By invitation: who came without a link types the code from the mail or their contact.
  if (e.invitation_required && !state.invitation) dom.fields.append(field('invitation', true));
  for (const f of e.fields) {
    if (!FIELD_SPECS[f.name]) continue;
    if (f.name === 'consent_privacy') {
      // The organiser's own questions come after the standard fields, before the consent.
      for (const q of e.questions || []) dom.fields.append(questionField(q));
      dom.fields.append(privacyNotice(), checkboxField(f));
      continue;
    }
    dom.fields.append(field(f.name, f.required));
    if (f.name === 'email') dom.fields.append(field('email_confirmation', f.required));
  }
}

function checkboxField(f) {
  const id = 'f-consent_privacy';
  return el('div', { class: 'field field-checkbox', id: 'field-consent_privacy' },
    errorFor('consent_privacy'),
    el('div', { class: 'checkbox' },
      el('input', {
        type: 'checkbox', id, name: 'consent_privacy', required: f.required || null,
        'aria-required': f.required ? 'true' : null, 'aria-describedby': `${id}-hint`,
      }),
      el('label', { for: id }, el('span', { 'data-i18n': 'label_consent_privacy' }, t('label_consent_privacy')), ' ', requiredMark(f.required))),
    el('p', { class: 'hint', id: `${id}-hint` },
      el('a', { href: '#privacy', 'data-i18n': 'privacy_link' }, t('privacy_link'))));
}

// ---------------------------------------------------------------- the event's own questions

// After a language switch: the questions' own words (the rest follows data-i18n).
function relabelQuestions() {
  const byId = new Map((state.event?.questions || []).map((q) => [q.id, q]));
  for (const node of dom.fields.querySelectorAll('[data-question]')) {
    const q = byId.get(node.dataset.question);
    if (!q) continue;
    if (node.dataset.option !== undefined) {
      node.textContent = localized(q.options.find((o) => o.value === node.dataset.option)?.label);
    } else {
      node.textContent = localized(node.dataset.part === 'help' ? q.help : q.label);
    }
  }
}

function answersBody() {
  const answers = {};
  for (const q of state.event.questions || []) {
    const name = `answers.${q.id}`;
    if (q.type === 'multi') {
      const chosen = [...dom.fields.querySelectorAll(`input[type=checkbox][name="${name}"]:checked`)].map((c) => c.value);
      if (chosen.length) answers[q.id] = chosen;
    } else if (q.type === 'checkbox') {
      answers[q.id] = control(name).checked;
    } else {
      const v = control(name).value;
      if (v.trim() !== '') answers[q.id] = v;
    }
  }
  return answers;
}

function privacyNotice() {
  const body = el('div', { id: 'privacy-body' });
  const section = el('section', { id: 'privacy', class: 'privacy', 'aria-labelledby': 'privacy-heading', tabindex: '-1' },
    el('h3', { id: 'privacy-heading', 'data-i18n': 'privacy_heading' }, t('privacy_heading')), body);
  fillPrivacy(body);
  return section;
}

function fillPrivacy(body) {
  clear(body).append(...t('privacy_body').map((p) => el('p', {}, p)));
}

function control(name) {
  return document.getElementById(`f-${name}`);
}

function formBody() {
  const body = { locale: currentLang() };
  for (const f of state.event.fields) {
    if (f.name === 'consent_privacy') {
      body.consent_privacy = control('consent_privacy').checked;
      continue;
    }
    const c = control(f.name);
    if (!c) continue;
    const v = c.value;
    if (v.trim() !== '' || f.required) body[f.name] = v;
    if (f.name === 'email') body.email_confirmation = control('email_confirmation').value;
  }
  if ((state.event.questions || []).length) body.answers = answersBody();
  if (state.waitlistMode) body.waitlist = true;
  const code = state.invitation || control('invitation')?.value || '';
  if (code.trim() !== '') body.invitation = code;
  return body;
}

// ---------------------------------------------------------------- errors and outcomes

function fieldLabel(name) {
  if (name.startsWith('answers.')) {
    const q = (state.event?.questions || []).find((x) => `answers.${x.id}` === name);
    return q ? localized(q.label) : name;
  }
  return t(`label_${name}`);
}

function fieldMessage(err) {
  if (err.lang === currentLang() && err.message) return err.message;
  const table = LOCAL_FIELD_MESSAGES[currentLang()];
  const fn = table[err.code] || table.other;
  return fn(fieldLabel(err.field), err.field);
}

function clearFieldErrors() {
  for (const p of dom.fields.querySelectorAll('.field-error')) {
    p.hidden = true;
    clear(p);
  }
  for (const c of dom.fields.querySelectorAll('[aria-invalid]')) {
    c.removeAttribute('aria-invalid');
    if (!c.closest('fieldset.choices')) c.setAttribute('aria-describedby', `${c.id}-hint`);
    c.closest('.field')?.classList.remove('has-error');
  }
  for (const g of dom.fields.querySelectorAll('fieldset.choices[id]')) g.setAttribute('aria-describedby', `${g.id}-hint`);
}

function renderFieldErrors() {
  clearFieldErrors();
  for (const err of state.fieldErrors) {
    const c = control(err.field);
    const p = document.getElementById(`f-${err.field}-error`);
    if (!c || !p) continue;
    // Several errors for one field: all of them, one line each.
    if (p.hidden) {
      p.hidden = false;
    } else {
      p.append(el('br'));
    }
    p.append(el('span', { class: 'visually-hidden' }, currentLang() === 'ja' ? 'エラー：' : 'Error: '), fieldMessage(err));
    const group = c.tagName === 'FIELDSET';
    for (const x of group ? c.querySelectorAll('input') : [c]) x.setAttribute('aria-invalid', 'true');
    c.setAttribute('aria-describedby', `${c.id}-error ${c.id}-hint`);
    c.closest('.field')?.classList.add('has-error');
  }
}

function focusControl(name) {
  const c = control(name);
  if (!c) return;
  c.focus();
  (c.closest('.field') || c).scrollIntoView({ block: 'center' });
}

function renderStatus() {
  const s = dom.status;
  clear(s);
  s.className = 'form-status';
  const o = state.outcome;
  if (!o) return;
  if (o.kind === 'errors') {
    s.classList.add('status-error');
    const items = state.fieldErrors.map((err) => {
      if (!control(err.field)) return el('li', {}, fieldMessage(err));
      const a = el('a', { href: `#f-${err.field}` }, fieldMessage(err));
      a.addEventListener('click', (ev) => {
        ev.preventDefault();
        focusControl(err.field);
      });
      return el('li', {}, a);
    });
    s.append(el('h3', { class: 'status-heading' }, t('summary_heading', state.fieldErrors.length)), el('ul', {}, items));
    return;
  }
  const e = state.event;
  let text;
  let tone = 'status-error';
  switch (o.code) {
    case 'registration_not_open':
      text = t('err_not_open', e ? formatInstant(e.registration.opens_at, e.timezone) : '');
      tone = 'status-info';
      break;
    case 'registration_closed':
      text = t('err_closed');
      break;
    case 'sold_out':
      text = o.waitlistAvailable ? t('err_sold_out_waitlist') : t('err_sold_out');
      tone = 'status-warning';
      break;
    case 'already_registered':
      text = t('err_already_registered');
      break;
    case 'not_eligible':
      text = t('err_not_eligible');
      break;
    case 'invitation_required':
      text = t('err_invitation_required');
      break;
    case 'invitation_used_up':
      text = t('err_invitation_used_up');
      break;
    case 'rate_limited':
      text = t('err_rate_limited', waitText(o.retryAfter));
      tone = 'status-warning';
      break;
    case 'unavailable':
      text = t('err_unavailable', waitText(o.retryAfter));
      tone = 'status-warning';
      break;
    case 'network':
      text = t('err_network');
      break;
    case 'honeypot':
      text = t('err_honeypot');
      break;
    default:
      text = t('err_other', o.lang === currentLang() && o.title ? o.title : o.code);
  }
  s.classList.add(tone);
  s.append(el('p', { class: 'status-text', id: 'status-text' }, text));
  if (o.code === 'sold_out' && o.waitlistAvailable && !state.receipt) {
    const b = el('button', { type: 'button', class: 'button-primary', id: 'take-waitlist' }, t('take_waitlist'));
    b.addEventListener('click', () => {
      state.waitlistMode = true;
      renderAvailability();
      submit();
    });
    s.append(el('p', { class: 'status-action' }, b));
  }
}

// Shows the outcome and moves focus to it, so it is read out and the person starts there.
function showOutcome(outcome, fieldErrors = []) {
  state.outcome = outcome;
  state.fieldErrors = fieldErrors;
  renderFieldErrors();
  renderStatus();
  renderAvailability();
  dom.status.focus();
  dom.status.scrollIntoView({ block: 'start' });
}

// ---------------------------------------------------------------- submitting

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // randomUUID needs a secure context; plain-http deployments still get a v4 UUID.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function setInFlight(on) {
  state.inFlight = on;
  dom.submit.disabled = on;
  dom.form.setAttribute('aria-busy', on ? 'true' : 'false');
  const take = document.getElementById('take-waitlist');
  if (take) take.disabled = on;
  renderAvailability();
}

async function submit() {
  if (state.inFlight || !state.event) return;
  if (dom.honeypot.value !== '') {
    showOutcome({ kind: 'problem', code: 'honeypot' });
    return;
  }
  const body = formBody();
  const json = JSON.stringify(body);
  // One key per form content: a retry of the same content (after a timeout, a 503, a lost
  // answer) reuses it, so the server answers it at most once; any change makes a new one.
  if (json !== state.keyBody) {
    state.key = newKey();
    state.keyBody = json;
  }
  setInFlight(true);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  let res;
  try {
    res = await fetch(`/api/v1/events/${encodeURIComponent(slug)}/registrations`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'Accept-Language': currentLang(),
        'Idempotency-Key': state.key,
      },
      body: json,
      cache: 'no-store',
      credentials: 'same-origin',
      signal: controller.signal,
    });
  } catch {
    clearTimeout(timer);
    setInFlight(false);
    showOutcome({ kind: 'problem', code: 'network' });
    return;
  }
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  } finally {
    clearTimeout(timer);
  }
  setInFlight(false);
  if (res.status === 201 && data) {
    showResult(data);
    return;
  }
  handleProblem(res, data);
}

function handleProblem(res, data) {
  const code = data?.code || (res.status === 429 ? 'rate_limited' : res.status === 503 ? 'unavailable' : `http_${res.status}`);
  const lang = currentLang();
  if (code === 'validation_failed' && Array.isArray(data?.errors)) {
    let errors = data.errors.map((e) => ({ field: e.field, code: e.code, message: e.message, lang }));
    // The server checks the confirmation only against an address; an empty one is "required".
    const confirmation = control('email_confirmation');
    if (confirmation && confirmation.value.trim() === '' && confirmation.required) {
      errors = errors.filter((e) => e.field !== 'email_confirmation');
      errors.push({ field: 'email_confirmation', code: 'required', message: null, lang });
    }
    // The summary lists the errors in the order of the form.
    const order = [...dom.fields.querySelectorAll('input, select, textarea')].map((c) => c.name);
    errors.sort((a, b) => rank(order, a.field) - rank(order, b.field));
    showOutcome({ kind: 'errors' }, errors);
    return;
  }
  const outcome = {
    kind: 'problem', code, lang, title: data?.title,
    retryAfter: res.headers.get('Retry-After'),
    waitlistAvailable: Boolean(data?.waitlist_available),
  };
  if (code === 'registration_closed' || (code === 'sold_out' && !outcome.waitlistAvailable)) {
    state.formClosed = true;
  }
  if (code === 'sold_out' && state.event) {
    // From now on the form signs up for the waitlist (the offer's button and the form's own).
    state.waitlistMode = outcome.waitlistAvailable;
    state.event.registration.state = 'full';
    state.event.registration.seats_remaining = 0;
    state.event.registration.waitlist_available = outcome.waitlistAvailable;
    renderHeader();
  }
  if (code === 'registration_closed' && state.event) {
    state.event.registration.state = 'closed';
    renderHeader();
  }
  showOutcome(outcome);
}

function rank(order, name) {
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}

// ---------------------------------------------------------------- the result

function showResult(receipt) {
  state.receipt = receipt;
  state.outcome = null;
  state.fieldErrors = [];
  clear(dom.status);
  dom.signup.hidden = true;
  renderResult();
  dom.result.hidden = false;
  const heading = document.getElementById('result-heading');
  heading.focus();
  dom.result.scrollIntoView({ block: 'start' });
}

// What the person answered, as they chose it (labels, not values).
function answersSummary() {
  const questions = state.event.questions || [];
  let sent = {};
  try {
    sent = JSON.parse(state.keyBody || '{}').answers || {};
  } catch {
    sent = {};
  }
  const rows = [];
  for (const q of questions) {
    const v = sent[q.id];
    if (v === undefined || v === false || v === '') continue;
    const label = (value) => localized(q.options?.find((o) => o.value === value)?.label) || value;
    const text = q.type === 'checkbox' ? t('answer_yes')
      : q.type === 'multi' ? v.map(label).join(currentLang() === 'en' ? ', ' : '、')
      : q.type === 'select' ? label(v) : v;
    rows.push(el('div', {}, el('dt', {}, localized(q.label)), el('dd', {}, text)));
  }
  if (!rows.length) return null;
  return el('section', { class: 'answers', 'aria-labelledby': 'answers-heading' },
    el('h3', { id: 'answers-heading' }, t('result_answers')), el('dl', { class: 'receipt' }, rows));
}

function renderResult() {
  const r = state.receipt;
  if (!r) return;
  const e = state.event;
  const waitlisted = r.status === 'waitlisted', pending = r.status === 'pending';
  const heading = waitlisted ? t('result_waitlisted') : pending ? t('result_pending') : t('result_confirmed');
  const status = waitlisted ? t('status_waitlisted', r.waitlist_position)
    : pending ? t('status_pending') : t('status_confirmed');
  clear(dom.result);
  dom.result.className = `panel result ${waitlisted || pending ? 'result-waitlisted' : 'result-confirmed'}`;
  append(dom.result, [
    el('h2', { id: 'result-heading', tabindex: '-1' }, heading),
    el('dl', { class: 'receipt' },
      el('div', { class: 'receipt-number' }, el('dt', {}, t('result_number')), el('dd', { id: 'receipt-number' }, String(r.number))),
      el('div', {}, el('dt', {}, t('result_status')),
        el('dd', { id: 'receipt-status' }, status)),
      el('div', {}, el('dt', {}, t('result_event')), el('dd', {}, eventTitle(e))),
      el('div', {}, el('dt', {}, t('result_when')), el('dd', {}, periodNode(e.starts_at, e.ends_at, e.timezone)))),
    append(el('p', { class: 'mail-sent', id: 'mail-sent' }), t('result_mail_sent', r.email)),
    waitlisted ? el('p', {}, t('result_waitlist_note')) : null,
    pending ? el('p', { id: 'pending-note' }, t('result_pending_note')) : null,
    el('p', {}, t('result_keep_number')),
    answersSummary(),
    el('h3', {}, t('result_no_mail_heading')),
    el('ul', { class: 'no-mail' },
      el('li', {}, t('result_no_mail_spam')),
      el('li', {}, t('result_no_mail_address')),
      el('li', {}, t('result_no_mail_contact'))),
    e.contact ? contactBlock(e.contact) : null,
    el('p', {}, el('a', { href: localHref('/') }, t('result_back')))]);
  // The result repeats the contact; the section below would only say it twice.
  dom.contact.hidden = true;
}

// ---------------------------------------------------------------- start

function renderAll() {
  renderHeader();
  renderContact();
  if (!state.event) return;
  renderAvailability();
  relabelQuestions();
  renderFieldErrors();
  renderStatus();
  const body = document.getElementById('privacy-body');
  if (body) fillPrivacy(body);
  renderResult();
}

async function load() {
  try {
    // Organisers preview a draft with ?preview=1 (the API checks they are signed in).
    const preview = new URLSearchParams(location.search).get('preview') === '1' ? '?preview=1' : '';
    const res = await api(`/api/v1/events/${encodeURIComponent(slug)}${preview}`);
    if (res.status === 200 && res.data?.slug) {
      state.event = res.data;
      const r = state.event.registration;
      state.waitlistMode = r.state === 'full' && r.waitlist_available;
    } else {
      state.loadError = res.status === 404 ? 'not_found' : 'failed';
    }
  } catch {
    state.loadError = 'failed';
  }
  if (state.event) {
    buildForm(state.event);
    dom.signup.hidden = false;
    initResendForm(slug);
  }
  renderAll();
}

setLang(initialLang());
initLangSwitch(() => renderAll());
dom.form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  submit();
});
load();
