// The sign-up form's fields, shared by the sign-up page (event.js) and the person's own
// edit form (manage.js), so both show the same fields and questions, worded and checked alike.

import { el, t, currentLang } from './common.js';

export const CATEGORIES = ['industry', 'academia', 'cro', 'healthcare', 'government', 'other'];

// What each field is in HTML. Text inputs unless said otherwise.
export const FIELD_SPECS = {
  email: { type: 'text', autocomplete: 'email', inputmode: 'email', spellcheck: 'false', autocapitalize: 'off' },
  email_confirmation: { type: 'text', autocomplete: 'email', inputmode: 'email', spellcheck: 'false', autocapitalize: 'off' },
  name: { type: 'text', autocomplete: 'name' },
  name_kana: { type: 'text', autocomplete: 'off' },
  organization: { type: 'text', autocomplete: 'organization' },
  department: { type: 'text', autocomplete: 'off' },
  category: { control: 'select' },
  phone: { type: 'tel', autocomplete: 'tel', inputmode: 'tel' },
  question: { control: 'textarea' },
  consent_privacy: { control: 'checkbox' },
  invitation: { type: 'text', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters' },
};

// Messages for field errors when the language was switched after the server answered (the
// server's own message is used whenever it is in the page's language).
export const LOCAL_FIELD_MESSAGES = {
  ja: {
    required: (l, f) => (f === 'consent_privacy' ? '個人情報の取扱いに同意してください。' : `${l}を入力してください。`),
    must_accept: () => '個人情報の取扱いに同意してください。',
    too_long: (l) => `${l}が長すぎます。`,
    mismatch: () => 'メールアドレスが一致しません。',
    control_characters: (l) => `${l}に改行や制御文字は使えません。`,
    invisible_characters: (l) => `${l}に使えない文字（見えない書式用の文字や、未定義・私用の文字）が含まれています。`,
    other: (l) => `${l}の形式が正しくありません。`,
  },
  en: {
    required: (l, f) => (f === 'consent_privacy' ? 'Please agree to the privacy notice.' : `${l} is required.`),
    must_accept: () => 'Please agree to the privacy notice.',
    too_long: (l) => `${l} is too long.`,
    mismatch: () => 'The e-mail addresses do not match.',
    control_characters: (l) => `${l} must not contain line breaks or control characters.`,
    invisible_characters: (l) => `${l} contains characters that cannot be used (invisible formatting, private-use or unassigned characters).`,
    other: (l) => `${l} is not valid.`,
  },
};

export function requiredMark(required) {
  return required
    ? el('span', { class: 'req', 'data-i18n': 'required' }, t('required'))
    : el('span', { class: 'opt', 'data-i18n': 'optional' }, t('optional'));
}

export function hintFor(name) {
  const id = `f-${name}-hint`;
  return el('p', { class: 'hint', id, 'data-i18n': `hint_${name}` }, t(`hint_${name}`));
}

export function errorFor(name) {
  return el('p', { class: 'field-error', id: `f-${name}-error`, hidden: true });
}

export function field(name, required) {
  const spec = FIELD_SPECS[name];
  const id = `f-${name}`;
  const common = {
    id, name,
    required: required || null,
    'aria-required': required ? 'true' : null,
    'aria-describedby': `${id}-hint`,
  };
  let control;
  if (spec.control === 'select') {
    control = el('select', common,
      el('option', { value: '', 'data-i18n': 'category_placeholder' }, t('category_placeholder')),
      CATEGORIES.map((c) => el('option', { value: c, 'data-i18n': `category_${c}` }, t(`category_${c}`))));
  } else if (spec.control === 'textarea') {
    control = el('textarea', { ...common, rows: 4 });
  } else {
    control = el('input', {
      ...common, type: spec.type, autocomplete: spec.autocomplete, inputmode: spec.inputmode,
      spellcheck: spec.spellcheck, autocapitalize: spec.autocapitalize,
    });
  }
  return el('div', { class: `field field-${name}`, id: `field-${name}` },
    el('label', { for: id }, el('span', { 'data-i18n': `label_${name}` }, t(`label_${name}`)), ' ', requiredMark(required)),
    hintFor(name),
    errorFor(name),
    control);
}

// A question's words in the page's language (Japanese when it has no English).
export function localized(text) {
  if (!text) return '';
  return (currentLang() === 'en' && text.en) || text.ja || text.en || '';
}

export function questionLabel(q) {
  return el('span', { 'data-question': q.id, 'data-part': 'label' }, localized(q.label));
}

// Each question is one .field: its label (a legend for the checkbox group of a multi), the
// organiser's help as its hint, the error line, the control. Controls are named answers.<id>,
// as the server's field errors name them.
export function questionField(q) {
  const name = `answers.${q.id}`;
  const id = `f-${name}`;
  const hint = el('p', { class: 'hint', id: `${id}-hint`, 'data-question': q.id, 'data-part': 'help' }, localized(q.help));
  const common = {
    id, name, required: q.required || null, 'aria-required': q.required ? 'true' : null,
    'aria-describedby': `${id}-hint`,
  };
  const max = q.max_length || (q.type === 'textarea' ? 2000 : 200);
  if (q.type === 'multi') {
    // The group itself takes the focus and the error state; each option is a checkbox.
    // A group takes neither aria-required nor aria-invalid: its checkboxes carry the error state.
    const group = el('fieldset', { id, class: 'choices', tabindex: '-1', 'aria-describedby': `${id}-hint` },
      el('legend', {}, questionLabel(q), ' ', requiredMark(q.required)),
      hint, errorFor(name),
      el('div', { class: 'checkbox-grid' }, q.options.map((o, i) => el('div', { class: 'checkbox' },
        el('input', { type: 'checkbox', id: `${id}-${i}`, name, value: o.value }),
        el('label', { for: `${id}-${i}` }, el('span', { 'data-question': q.id, 'data-option': o.value }, localized(o.label)))))));
    return el('div', { class: 'field field-question', id: `field-${name}` }, group);
  }
  if (q.type === 'checkbox') {
    return el('div', { class: 'field field-checkbox field-question', id: `field-${name}` },
      errorFor(name),
      el('div', { class: 'checkbox' },
        el('input', { ...common, type: 'checkbox' }),
        el('label', { for: id }, questionLabel(q), ' ', requiredMark(q.required))),
      hint);
  }
  let control;
  if (q.type === 'select') {
    control = el('select', common,
      el('option', { value: '', 'data-i18n': 'category_placeholder' }, t('category_placeholder')),
      q.options.map((o) => el('option', { value: o.value, 'data-question': q.id, 'data-option': o.value }, localized(o.label))));
  } else if (q.type === 'textarea') {
    control = el('textarea', { ...common, rows: 4, maxlength: String(max) });
  } else {
    control = el('input', { ...common, type: 'text', maxlength: String(max) });
  }
  return el('div', { class: 'field field-question', id: `field-${name}` },
    el('label', { for: id }, questionLabel(q), ' ', requiredMark(q.required)),
    hint, errorFor(name), control);
}
