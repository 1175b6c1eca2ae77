// The list of public events at /: title, date in the event's zone, state, seats, link.

import {
  api, clear, el, formatInstant, formatNumber, initLangSwitch, periodNode, initialLang, localHref,
  setLang, stateBadge, t,
} from './common.js';

const list = document.getElementById('events');
let events = null; // null: not loaded; 'error': failed

function availabilityText(e) {
  const r = e.registration;
  if (r.state === 'open') return t('seats_left', formatNumber(r.seats_remaining));
  if (r.state === 'not_open') return t('opens_from', formatInstant(r.opens_at, e.timezone));
  if (r.state === 'full' && r.waitlist_available) return t('waitlist_open');
  return null;
}

function card(e, heading = 'h2') {
  const title = e.title[document.documentElement.lang] || e.title.ja;
  const href = localHref(`/events/${encodeURIComponent(e.slug)}`);
  const id = `ev-${e.slug}`;
  return el('li', { class: `event-card state-${e.registration.state.replace('_', '-')}` },
    el(heading, { class: 'event-card-title', id }, el('a', { href }, title)),
    el('p', { class: 'event-card-when' }, periodNode(e.starts_at, e.ends_at, e.timezone)),
    el('p', { class: 'event-card-status' },
      stateBadge(e.registration),
      e.restricted ? el('span', { class: 'badge badge-restricted' }, t('restricted')) : null,
      availabilityText(e) ? el('span', { class: 'event-card-seats' }, availabilityText(e)) : null),
    el('p', { class: 'event-card-action' },
      el('a', { class: 'button-link', href, 'aria-describedby': id }, t('to_signup'))));
}

function render() {
  clear(list);
  list.setAttribute('aria-busy', 'false');
  if (events === null) {
    list.setAttribute('aria-busy', 'true');
    list.append(el('p', { class: 'loading' }, t('loading')));
    return;
  }
  if (events === 'error') {
    list.append(el('p', { class: 'notice notice-error', role: 'alert' }, t('load_failed')),
      el('p', {}, el('a', { class: 'button-link', href: location.href }, t('reload'))));
    return;
  }
  const byStart = (a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at);
  const current = events.filter((e) => e.registration.state !== 'closed').sort(byStart);
  const closed = events.filter((e) => e.registration.state === 'closed').sort(byStart);
  if (current.length === 0) list.append(el('p', { class: 'notice' }, t('index_empty')));
  else list.append(el('ul', { class: 'event-list' }, current.map((e) => card(e))));
  if (closed.length > 0) {
    list.append(el('h2', { class: 'closed-heading' }, t('index_closed_heading')),
      el('ul', { class: 'event-list event-list-closed' }, closed.map((e) => card(e, 'h3'))));
  }
}

async function load() {
  try {
    const res = await api('/api/v1/events');
    events = res.status === 200 && Array.isArray(res.data?.events) ? res.data.events : 'error';
  } catch {
    events = 'error';
  }
  render();
}

setLang(initialLang());
document.title = `${t('index_title')} | ${t('site_name')}`;
initLangSwitch(() => {
  document.title = `${t('index_title')} | ${t('site_name')}`;
  render();
});
load();
