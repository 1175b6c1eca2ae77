// The person's own page, reached from the mails (/cancel?token=T): the edit form for their
// details, built from the event's fields and questions exactly as the sign-up form is
// (signup_fields.js), pre-filled from GET /api/v1/registrations/self, saved with PATCH. The
// server validates as it does a sign-up and names every bad field; each is shown at its field
// and listed at the top, with focus moved there.

import { api, clear, el, setLang, t } from './common.js';
import { LOCAL_FIELD_MESSAGES, field, localized, questionField } from './signup_fields.js';

const section = document.getElementById('edit-details');
const form = document.getElementById('edit-form');
const fields = document.getElementById('edit-fields');
const status = document.getElementById('edit-status');
const submit = document.getElementById('edit-submit');
const token = section?.dataset.token;
let event = null;
let busy = false;

const control = (name) => document.getElementById(`f-${name}`);

function prefill(reg) {
  for (const f of event.fields) {
    const c = control(f.name);
    if (c && f.name in reg && reg[f.name] !== null) c.value = reg[f.name];
  }
  for (const q of event.questions || []) {
    const name = `answers.${q.id}`;
    const value = reg.answers?.[q.id];
    if (q.type === 'multi') {
      for (const box of fields.querySelectorAll(`input[type=checkbox][name="${name}"]`))
        box.checked = Array.isArray(value) && value.includes(box.value);
    } else if (q.type === 'checkbox') {
      control(name).checked = value === true;
    } else if (typeof value === 'string') {
      control(name).value = value;
    }
  }
}

function build() {
  clear(fields);
  for (const f of event.fields) {
    // The address is shown read-only above; the consent was given at sign-up.
    if (f.name === 'email' || f.name === 'consent_privacy') continue;
    fields.append(field(f.name, f.required));
  }
  for (const q of event.questions || []) fields.append(questionField(q));
}

// The whole form: what is left empty is sent empty, so clearing a field clears it.
function body() {
  const out = {};
  for (const f of event.fields) {
    const c = control(f.name);
    if (c && f.name !== 'email' && f.name !== 'consent_privacy') out[f.name] = c.value;
  }
  const answers = {};
  for (const q of event.questions || []) {
    const name = `answers.${q.id}`;
    if (q.type === 'multi') {
      answers[q.id] = [...fields.querySelectorAll(`input[type=checkbox][name="${name}"]:checked`)].map((b) => b.value);
    } else if (q.type === 'checkbox') {
      answers[q.id] = control(name).checked;
    } else {
      answers[q.id] = control(name).value;
    }
  }
  if ((event.questions || []).length) out.answers = answers;
  return out;
}

function fieldLabel(name) {
  if (name.startsWith('answers.')) {
    const q = (event.questions || []).find((x) => `answers.${x.id}` === name);
    return q ? localized(q.label) : name;
  }
  return t(`label_${name}`);
}

function message(err) {
  if (err.message) return err.message;  // the server's, in the page's language
  const table = LOCAL_FIELD_MESSAGES[document.documentElement.lang === 'en' ? 'en' : 'ja'];
  return (table[err.code] || table.other)(fieldLabel(err.field), err.field);
}

function clearErrors() {
  for (const p of fields.querySelectorAll('.field-error')) {
    p.hidden = true;
    clear(p);
  }
  for (const c of fields.querySelectorAll('[aria-invalid]')) c.removeAttribute('aria-invalid');
  for (const c of fields.querySelectorAll('[aria-describedby]')) {
    if (c.id) c.setAttribute('aria-describedby', `${c.id}-hint`);
  }
  for (const f of fields.querySelectorAll('.has-error')) f.classList.remove('has-error');
}

function say(kind, text, items = []) {
  clear(status);
  status.className = `form-status status-${kind}`;
  status.append(el('p', { class: 'status-text' }, text));
  if (items.length) status.append(el('ul', {}, items));
  status.focus();
}

function showErrors(errors) {
  clearErrors();
  const items = [];
  for (const err of errors) {
    const c = control(err.field);
    const p = document.getElementById(`f-${err.field}-error`);
    const text = message(err);
    if (c && p) {
      if (!p.hidden) p.append(el('br'));
      p.hidden = false;
      p.append(text);
      const targets = c.tagName === 'FIELDSET' ? c.querySelectorAll('input') : [c];
      for (const x of targets) x.setAttribute('aria-invalid', 'true');
      c.setAttribute('aria-describedby', `${c.id}-error ${c.id}-hint`);
      c.closest('.field')?.classList.add('has-error');
      items.push(el('li', {}, el('a', { href: `#f-${err.field}` }, text)));
    } else {
      items.push(el('li', {}, text));
    }
  }
  say('error', t('manage_errors', errors.length), items);
}

async function save(ev) {
  ev.preventDefault();
  if (busy) return;
  busy = true;
  submit.textContent = t('manage_saving');
  submit.setAttribute('aria-disabled', 'true');
  try {
    const res = await api(`/api/v1/registrations/self?token=${encodeURIComponent(token)}`,
      { method: 'PATCH', body: body() });
    if (res.status === 200) {
      clearErrors();
      say('info', res.data.changed?.length ? t('manage_saved') : t('manage_unchanged'));
      prefill(res.data);
    } else if (res.status === 422 && res.data?.errors) {
      showErrors(res.data.errors);
    } else if (res.status === 409) {
      say('error', t('manage_refused'));
    } else {
      say('error', t('manage_failed'));
    }
  } catch {
    say('error', t('manage_failed'));
  } finally {
    busy = false;
    submit.textContent = t('manage_submit');
    submit.removeAttribute('aria-disabled');
  }
}

async function load() {
  setLang(document.documentElement.lang);
  try {
    const self = await api(`/api/v1/registrations/self?token=${encodeURIComponent(token)}`);
    if (self.status !== 200) throw new Error('self');
    const ev = await api(`/api/v1/events/${encodeURIComponent(self.data.event)}`);
    if (ev.status !== 200) throw new Error('event');
    event = ev.data;
    build();
    prefill(self.data);
    form.hidden = false;
    form.addEventListener('submit', save);
  } catch {
    say('error', t('manage_load_failed'));
  } finally {
    section.removeAttribute('aria-busy');
  }
}

if (section && token) load();
