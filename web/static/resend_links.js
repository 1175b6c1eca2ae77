// The event page's "mail my links again" form: posts the address to
// /api/v1/registrations/resend, which answers alike whether or not the address is registered,
// so the page always says the same thing (only a malformed address or a rate limit differ).

import { api, t, waitText } from './common.js';

export function initResendForm(slug) {
  const section = document.getElementById('resend');
  const form = document.getElementById('resend-form');
  const input = document.getElementById('resend-email');
  const error = document.getElementById('resend-email-error');
  const status = document.getElementById('resend-status');
  const button = document.getElementById('resend-button');
  if (!section || !form) return;
  section.hidden = false;
  let busy = false;

  const showError = (message) => {
    error.textContent = message;
    error.hidden = !message;
    if (message) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', 'resend-email-error resend-email-hint');
    } else {
      input.removeAttribute('aria-invalid');
      input.setAttribute('aria-describedby', 'resend-email-hint');
    }
  };

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    status.textContent = '';
    const email = input.value.trim();
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
      showError(t('resend_invalid'));
      input.focus();
      return;
    }
    showError('');
    busy = true;
    button.textContent = t('resend_sending');
    button.setAttribute('aria-disabled', 'true');
    try {
      const res = await api('/api/v1/registrations/resend', { method: 'POST', body: { event: slug, email } });
      if (res.status === 202) status.textContent = t('resend_done');
      else if (res.status === 422) showError(t('resend_invalid'));
      else if (res.status === 429) status.textContent = t('resend_rate_limited', waitText(res.headers.get('Retry-After')));
      else status.textContent = t('resend_failed');
    } catch {
      status.textContent = t('resend_failed');
    } finally {
      busy = false;
      button.textContent = t('resend_submit');
      button.removeAttribute('aria-disabled');
    }
  });
}
