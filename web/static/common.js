// Shared by the participant pages: language (ja default, en), texts, date formatting in the
// event's time zone, the JSON API and a small DOM builder. No framework, no innerHTML
// (every text from the API goes in as a text node).

export const LANGS = ['ja', 'en'];
const STORAGE_KEY = 'regdesk.lang';

// Every text the pages show, by key. Functions take parameters.
const TEXTS = {
  ja: {
    site_name: 'イベント参加申込',
    skip_to_main: '本文へ移動',
    accessibility: 'アクセシビリティ方針',
    lang_switch: '言語',
    loading: '読み込み中…',
    load_failed: 'イベント情報を読み込めませんでした。しばらくしてから再読み込みしてください。',
    reload: '再読み込み',
    not_found: 'お探しのイベントは見つかりませんでした。',
    back_to_list: 'イベント一覧へ戻る',
    // index
    index_title: 'イベント一覧',
    index_intro: '参加を申し込むイベントを選んでください。',
    index_empty: '現在、申込を受け付けているイベントはありません。',
    index_closed_heading: '受付を終了したイベント',
    to_signup: '詳細・お申込み',
    // states
    state_open: '受付中',
    state_not_open: '受付開始前',
    state_full: '満席',
    state_closed: '受付終了',
    waitlist_open: 'キャンセル待ち受付中',
    restricted: '対象組織の方のみ',
    seats_left: (n) => `残り ${n} 席`,
    capacity_n: (n) => `定員 ${n} 名`,
    opens_from: (when) => `${when}から受付開始`,
    // event facts
    fact_when: '日時',
    fact_venue: '会場',
    fact_fee: '参加費',
    fact_capacity: '定員',
    fact_window: '申込受付期間',
    venue_online: 'オンライン（Web会議システム。参加用URLはお申込みの方にメールでお送りします）',
    fee_free: '無料',
    fee_yen: (n) => `${n} 円`,
    capacity_text: (n) => `${n} 名（事前申込・先着順）`,
    program_link: 'プログラム・開催案内',
    series_link: 'ほかの日程を見る（日程一覧）',
    external: '（外部サイト）',
    // availability notices
    notice_not_open: (when) => `申込受付はまだ始まっていません。受付開始は ${when} です。`,
    notice_closed: '申込受付は終了しました。',
    notice_preview: 'プレビュー（下書き）：参加者にはまだ公開されていません。この画面からは申し込めません。',
    notice_full_waitlist:
      '定員に達したため、参加のお申込みは締め切りました。キャンセル待ちに登録できます。お席が空いた場合は、登録順に繰り上げてメールでお知らせします。',
    notice_full: '定員に達したため、お申込みの受付を終了しました。',
    // form
    signup_heading: '参加申込',
    waitlist_heading: 'キャンセル待ちの登録',
    form_intro_before: '',
    form_intro_after: 'の項目は必ずご入力ください。',
    required: '必須',
    optional: '任意',
    label_email: 'メールアドレス',
    label_email_confirmation: 'メールアドレス（確認）',
    // the person's own page (/cancel?token=, from the mails): editing the details
    manage_edit_heading: 'お申込み内容の変更',
    manage_edit_intro: 'お名前や所属などを変更できます。メールアドレスは変更できません（変更が必要な場合はお問い合わせ先にご連絡ください）。',
    manage_submit: '変更を保存する',
    manage_saving: '保存しています…',
    manage_saved: '変更を保存しました。',
    manage_unchanged: '変更はありませんでした。',
    manage_errors: (n) => `入力内容に${n}件の問題があります。各項目をご確認ください。`,
    manage_refused: 'このお申込みはキャンセル済みのため、変更できません。',
    manage_failed: '保存できませんでした。しばらくしてから再度お試しください。',
    manage_load_failed: 'お申込み内容を読み込めませんでした。ページを再読み込みしてください。',
    // the event page: "mail my links again"
    resend_heading: '受付メールの再送',
    resend_intro: 'お申込み済みの方に、受付メール（キャンセル用・参加用のリンク）をもう一度お送りします。お申込みに使ったメールアドレスを入力してください。',
    resend_email_label: 'メールアドレス',
    resend_submit: 'メールを再送する',
    resend_sending: '送信しています…',
    resend_done: 'ご入力のメールアドレスでお申込みがある場合は、受付メールを再送しました。数分たっても届かない場合は、お問い合わせ先にご連絡ください。',
    resend_invalid: 'メールアドレスの形式が正しくありません。',
    resend_rate_limited: (w) => `短時間に何度も依頼されました。${w}後にもう一度お試しください。`,
    resend_failed: '送信できませんでした。しばらくしてから再度お試しください。',
    label_name: '氏名',
    label_name_kana: 'ふりがな',
    label_organization: '所属',
    label_department: '部署',
    label_category: '所属区分',
    label_phone: '電話番号',
    label_question: '質問・要望',
    label_invitation: '招待コード',
    hint_invitation: '招待メール、または所属先のご担当者からのご案内に記載のコードです（例：K7M2-9QXD-4RTA）。',
    notice_invitation:
      'この催しは招待制です。招待メールのリンクから開くか、ご案内に記載の招待コードを入力してお申し込みください。',
    notice_invitation_link: 'この催しは招待制です。ご招待のリンクからお申込みいただいています。',
    err_invitation_required:
      '招待コードが確認できませんでした。招待メールのリンク、またはご担当者からのご案内をご確認ください。個人宛ての招待は、招待されたメールアドレスでのみお申し込みいただけます。',
    err_invitation_used_up:
      'この招待は有効期限が切れたか、利用できる人数に達しています。所属先のご担当者にお問い合わせください。',
    label_consent_privacy: '個人情報の取扱いに同意します',
    hint_email: '確認メールと参加用URLをお送りします。例：taro@example.jp',
    hint_email_confirmation: '確認のため、もう一度ご入力ください。',
    hint_name: '姓と名の間にスペースを入れてください。例：山田 太郎',
    hint_name_kana: '例：やまだ たろう',
    hint_organization: '会社名・大学名・機関名など',
    hint_department: '',
    hint_category: '',
    hint_phone: '当日の連絡用。例：03-1234-5678',
    hint_question: 'パネルディスカッションへのご質問やご要望があればご記入ください。',
    hint_consent_privacy: '',
    privacy_link: '個人情報の取扱いについて',
    category_placeholder: '選択してください',
    category_industry: '製造販売業者',
    category_academia: 'アカデミア',
    category_cro: 'CRO',
    category_healthcare: '医療機関',
    category_government: '行政',
    category_other: 'その他',
    honeypot_label: 'ウェブサイト（入力しないでください）',
    submit: '申し込む',
    submit_waitlist: 'キャンセル待ちに登録する',
    sending: '送信中…',
    // outcomes
    summary_heading: (n) => `入力内容をご確認ください（${n}\u00a0件）`,
    err_not_open: (when) => `申込受付はまだ始まっていません。${when ? `受付開始は ${when} です。` : ''}`,
    err_closed: '申込受付は終了しました。',
    err_sold_out_waitlist:
      '定員に達したため、参加のお申込みを受け付けられませんでした。キャンセル待ちに登録できます。',
    err_sold_out: '定員に達したため、お申込みを受け付けられませんでした。',
    take_waitlist: 'キャンセル待ちに登録する',
    err_already_registered:
      'このメールアドレスは既に登録されています。お送りした確認メールをご確認ください。',
    err_not_eligible:
      'このイベントは対象となる組織の方のみお申込みいただけます。所属先のメールアドレスでお申し込みください。',
    err_rate_limited: (wait) =>
      `短時間にお申込みが集中しています。${wait}後に、もう一度「申し込む」を押してください。`,
    err_unavailable: (wait) =>
      `ただいまお申込みを受け付けられません。${wait}後に、もう一度「申し込む」を押してください。入力内容はそのまま残っています。`,
    err_network:
      '通信できませんでした。接続を確認して、もう一度「申し込む」を押してください（同じ内容なら二重に登録されることはありません）。',
    err_honeypot: '送信できませんでした。ページを再読み込みしてからお申し込みください。',
    err_other: (title) => `お申込みを完了できませんでした：${title}`,
    wait_seconds: (n) => `${n} 秒ほど`,
    wait_minutes: (n) => `${n} 分ほど`,
    wait_moment: 'しばらく',
    // result
    result_confirmed: 'お申込みを受け付けました',
    result_waitlisted: 'キャンセル待ちとして受け付けました',
    result_pending: 'お申込みを受け付けました（主催者が確認します）',
    result_number: '受付番号',
    result_status: '状態',
    result_event: 'イベント',
    result_when: '日時',
    status_confirmed: '参加確定',
    status_waitlisted: (n) => (n ? `キャンセル待ち（${n} 番目）` : 'キャンセル待ち'),
    status_pending: '承認待ち（参加は未確定）',
    result_pending_note:
      '主催者が確認した後、参加いただけるかどうかをメールでお知らせします。それまでは参加確定ではありません。',
    approval_required: '承認制',
    notice_approval: 'この催しは承認制です。お申込みの後に主催者が確認し、参加いただけるかどうかをメールでお知らせします。',
    result_mail_sent: (email) => [`確認メールを `, { strong: email }, ` にお送りしました。`],
    result_waitlist_note:
      'お席が空いた場合は、登録順に繰り上げてメールでお知らせします。繰り上がるまでは参加確定ではありません。',
    result_keep_number: '受付番号はお問い合わせの際に必要です。控えておいてください。',
    result_answers: 'ご回答内容',
    answer_yes: 'はい',
    result_no_mail_heading: 'メールが届かない場合',
    result_no_mail_spam: '迷惑メールフォルダに振り分けられていないかご確認ください。',
    result_no_mail_address: 'メールアドレスに誤りがないかご確認ください（上に表示しています）。',
    result_no_mail_contact:
      '30分以上たっても届かない場合は、受付番号を添えて下記のお問い合わせ先までご連絡ください。',
    result_back: 'イベント一覧へ戻る',
    // contact / privacy
    contact_heading: 'お問い合わせ先',
    contact_mail: 'メール',
    contact_phone: '電話',
    privacy_heading: '個人情報の取扱いについて',
    privacy_body: [
      'ご入力いただいた個人情報は、本イベントの参加受付、参加用URL・ご案内のメール送信、参加状況の集計、およびお問い合わせへの対応にのみ利用します。',
      '法令に基づく場合を除き、ご本人の同意なく第三者に提供することはありません。',
      'お申込み内容の確認・キャンセルは、確認メールに記載のリンクから行えます。',
    ],
    admin_title: '主催者ダッシュボード',
    admin_coming: '主催者向けダッシュボードは準備中です。',
  },
  en: {
    site_name: 'Event registration',
    skip_to_main: 'Skip to content',
    accessibility: 'Accessibility',
    lang_switch: 'Language',
    loading: 'Loading…',
    load_failed: 'The event could not be loaded. Please reload the page in a moment.',
    reload: 'Reload',
    not_found: 'This event could not be found.',
    back_to_list: 'Back to the list of events',
    index_title: 'Events',
    index_intro: 'Choose the event you want to attend.',
    index_empty: 'No event is taking registrations at the moment.',
    index_closed_heading: 'Registration closed',
    to_signup: 'Details and registration',
    state_open: 'Open',
    state_not_open: 'Not open yet',
    state_full: 'Full',
    state_closed: 'Closed',
    waitlist_open: 'Waitlist open',
    restricted: 'Members only',
    seats_left: (n) => `${n} seats left`,
    capacity_n: (n) => `${n} seats`,
    opens_from: (when) => `Opens ${when}`,
    fact_when: 'Date',
    fact_venue: 'Venue',
    fact_fee: 'Fee',
    fact_capacity: 'Capacity',
    fact_window: 'Registration',
    venue_online: 'Online (web conference; the join link is mailed to registrants)',
    fee_free: 'Free',
    fee_yen: (n) => `JPY ${n}`,
    capacity_text: (n) => `${n} (advance registration, first come first served)`,
    program_link: 'Programme and announcement',
    series_link: 'See the other dates',
    external: ' (external site, Japanese)',
    notice_not_open: (when) => `Registration has not opened yet. It opens ${when}.`,
    notice_closed: 'Registration has closed.',
    notice_preview: 'Preview of a draft: participants cannot see it yet, and nobody can sign up here.',
    notice_full_waitlist:
      'The event is fully booked. You can join the waitlist: if a seat becomes free, people on the waitlist move up in order and are told by mail.',
    notice_full: 'The event is fully booked and registration has closed.',
    signup_heading: 'Register',
    waitlist_heading: 'Join the waitlist',
    form_intro_before: 'Fields marked ',
    form_intro_after: ' must be filled in.',
    required: 'required',
    optional: 'optional',
    label_email: 'E-mail address',
    label_email_confirmation: 'E-mail address (again)',
    manage_edit_heading: 'Change your details',
    manage_edit_intro: 'You can change your name, organisation and the other details. The e-mail address cannot be changed here (please write to the contact below if it must change).',
    manage_submit: 'Save the changes',
    manage_saving: 'Saving…',
    manage_saved: 'Your changes are saved.',
    manage_unchanged: 'Nothing was changed.',
    manage_errors: (n) => `${n} ${n === 1 ? 'field needs' : 'fields need'} your attention.`,
    manage_refused: 'This registration is cancelled and can no longer be changed.',
    manage_failed: 'Could not save. Please try again shortly.',
    manage_load_failed: 'Could not load your registration. Please reload the page.',
    resend_heading: 'Mail my links again',
    resend_intro: 'If you have registered, we mail you the confirmation again, with your links to cancel and to join. Enter the address you registered with.',
    resend_email_label: 'E-mail address',
    resend_submit: 'Mail my links again',
    resend_sending: 'Sending…',
    resend_done: 'If this address is registered for the event, the confirmation is on its way again. If nothing arrives within a few minutes, please write to the contact.',
    resend_invalid: 'Please enter a valid e-mail address.',
    resend_rate_limited: (w) => `Too many requests. Please try again ${w}.`,
    resend_failed: 'Could not send. Please try again shortly.',
    label_name: 'Name',
    label_name_kana: 'Name reading (furigana)',
    label_organization: 'Organisation',
    label_department: 'Department',
    label_category: 'Category',
    label_phone: 'Phone',
    label_question: 'Questions and requests',
    label_invitation: 'Invitation code',
    hint_invitation: 'The code in your invitation mail or in the message from your organisation\'s contact (e.g. K7M2-9QXD-4RTA).',
    notice_invitation:
      'This event is by invitation only. Open the link in your invitation, or enter the invitation code you were given.',
    notice_invitation_link: 'This event is by invitation only. You are registering through your invitation link.',
    err_invitation_required:
      'We could not find this invitation. Please check the link in your invitation mail or the message from your contact. A personal invitation works only with the address it was sent to.',
    err_invitation_used_up:
      'This invitation has expired or has been used by as many people as it allows. Please ask your organisation\'s contact person.',
    label_consent_privacy: 'I agree to the privacy notice',
    hint_email: 'We send the confirmation and the join link here. Example: taro@example.jp',
    hint_email_confirmation: 'Please type it once more to check.',
    hint_name: 'Family name and given name. Example: Taro Yamada',
    hint_name_kana: 'The reading of your name in hiragana, if you have one; otherwise your name again.',
    hint_organization: 'Company, university or institution',
    hint_department: '',
    hint_category: '',
    hint_phone: 'For contact on the day. Example: 03-1234-5678',
    hint_question: 'Questions or requests for the panel discussion, if any.',
    hint_consent_privacy: '',
    privacy_link: 'Privacy notice',
    category_placeholder: 'Please choose',
    category_industry: 'Marketing-authorisation holder (industry)',
    category_academia: 'Academia',
    category_cro: 'CRO',
    category_healthcare: 'Healthcare institution',
    category_government: 'Government',
    category_other: 'Other',
    honeypot_label: 'Website (leave empty)',
    submit: 'Register',
    submit_waitlist: 'Join the waitlist',
    sending: 'Sending…',
    summary_heading: (n) => `Please check ${n === 1 ? 'this field' : `these ${n} fields`}`,
    err_not_open: (when) => `Registration has not opened yet.${when ? ` It opens ${when}.` : ''}`,
    err_closed: 'Registration has closed.',
    err_sold_out_waitlist: 'The event is fully booked, so your registration could not be accepted. You can join the waitlist.',
    err_sold_out: 'The event is fully booked, so your registration could not be accepted.',
    take_waitlist: 'Join the waitlist',
    err_already_registered:
      'This e-mail address is already registered for this event. Please look for the confirmation mail we sent.',
    err_not_eligible:
      'This event is only open to members of eligible organisations. Please register with your organisation’s e-mail address.',
    err_rate_limited: (wait) =>
      `Many sign-ups are arriving from your network right now. Please press “Register” again in ${wait}.`,
    err_unavailable: (wait) =>
      `Registration is temporarily unavailable. Please press “Register” again in ${wait}; what you typed is kept.`,
    err_network:
      'The connection failed. Please check it and press “Register” again (sending the same form twice never registers you twice).',
    err_honeypot: 'The form could not be sent. Please reload the page and try again.',
    err_other: (title) => `Your registration could not be completed: ${title}`,
    wait_seconds: (n) => `about ${n} second${n === 1 ? '' : 's'}`,
    wait_minutes: (n) => `about ${n} minute${n === 1 ? '' : 's'}`,
    wait_moment: 'a moment',
    result_confirmed: 'You are registered',
    result_waitlisted: 'You are on the waitlist',
    result_pending: 'Registration received: the organiser will review it',
    result_number: 'Registration number',
    result_status: 'Status',
    result_event: 'Event',
    result_when: 'Date',
    status_confirmed: 'Confirmed',
    status_waitlisted: (n) => (n ? `Waitlisted (number ${n} in line)` : 'Waitlisted'),
    status_pending: 'Awaiting approval (not confirmed yet)',
    result_pending_note:
      'The organiser reviews each registration and will tell you by mail whether you can take part. Until then your place is not confirmed.',
    approval_required: 'Approval required',
    notice_approval: 'Registrations for this event are reviewed: after you register, the organiser will tell you by mail whether you can take part.',
    result_mail_sent: (email) => [`A confirmation mail was sent to `, { strong: email }, `.`],
    result_waitlist_note:
      'If a seat becomes free, people on the waitlist move up in order and are told by mail. Until then your place is not confirmed.',
    result_keep_number: 'Please keep your registration number: you will need it if you contact us.',
    result_answers: 'Your answers',
    answer_yes: 'Yes',
    result_no_mail_heading: 'If the mail does not arrive',
    result_no_mail_spam: 'Look in your spam or junk folder.',
    result_no_mail_address: 'Check that the address shown above is right.',
    result_no_mail_contact:
      'If nothing has arrived after 30 minutes, contact us below with your registration number.',
    result_back: 'Back to the list of events',
    contact_heading: 'Contact',
    contact_mail: 'E-mail',
    contact_phone: 'Phone',
    privacy_heading: 'Privacy notice',
    privacy_body: [
      'The personal data you enter is used only to take your registration, to mail you the join link and notices about this event, to count attendance, and to answer your enquiries.',
      'It is not given to third parties without your consent, except where the law requires it.',
      'You can check or cancel your registration from the link in the confirmation mail.',
    ],
    admin_title: 'Organiser dashboard',
    admin_coming: 'The organiser dashboard is coming soon.',
  },
};

let lang = 'ja';

// The page language: ?lang= wins, then what was chosen before (localStorage), then Japanese.
export function initialLang() {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  if (LANGS.includes(fromUrl)) return fromUrl;
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (LANGS.includes(stored)) return stored;
  } catch {
    // Storage can be disabled; the URL still carries the choice.
  }
  return 'ja';
}

export function currentLang() {
  return lang;
}

export function t(key, ...args) {
  const v = TEXTS[lang][key] ?? TEXTS.ja[key];
  if (v === undefined) return key;
  return typeof v === 'function' ? v(...args) : v;
}

// Sets the language: remembered in localStorage and in the URL (?lang=en; nothing for ja),
// the <html lang>, and every element with data-i18n="key" gets that text.
export function setLang(next) {
  lang = LANGS.includes(next) ? next : 'ja';
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // see initialLang
  }
  const url = new URL(location.href);
  if (lang === 'ja') url.searchParams.delete('lang');
  else url.searchParams.set('lang', lang);
  if (url.href !== location.href) history.replaceState(history.state, '', url);
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const a of document.querySelectorAll('.lang-switch a')) {
    if (a.hreflang === lang) a.setAttribute('aria-current', 'true');
    else a.removeAttribute('aria-current');
  }
}

// Links inside the site keep the language in the URL.
export function localHref(path) {
  return lang === 'ja' ? path : `${path}${path.includes('?') ? '&' : '?'}lang=${lang}`;
}

// The ja/en links in the header: they work as plain links without JavaScript; with it, the page
// switches in place (a half-filled form keeps its content) and onChange re-renders.
export function initLangSwitch(onChange) {
  for (const a of document.querySelectorAll('.lang-switch a')) {
    a.addEventListener('click', (ev) => {
      ev.preventDefault();
      if (a.hreflang === lang) return;
      setLang(a.hreflang);
      onChange(lang);
    });
  }
}

// ---------------------------------------------------------------- dates

function zoneName(tz) {
  if (tz === 'Asia/Tokyo') return lang === 'ja' ? '日本時間' : 'Japan time';
  try {
    const parts = new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', {
      timeZone: tz,
      timeZoneName: 'longGeneric',
    }).formatToParts(new Date());
    return parts.find((p) => p.type === 'timeZoneName')?.value ?? tz;
  } catch {
    return tz;
  }
}

function partsOf(date, tz) {
  const f = new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', {
    timeZone: tz,
    year: 'numeric',
    month: lang === 'ja' ? 'numeric' : 'short',
    day: 'numeric',
    weekday: 'short',
    hour: lang === 'ja' ? 'numeric' : '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const o = {};
  for (const p of f.formatToParts(date)) o[p.type] = p.value;
  return o;
}

function dateText(p) {
  return lang === 'ja' ? `${p.year}年${p.month}月${p.day}日(${p.weekday})` : `${p.weekday} ${p.day} ${p.month} ${p.year}`;
}

function timeText(p) {
  return `${p.hour}:${p.minute}`;
}

function withZone(text, tz) {
  return lang === 'ja' ? `${text}（${zoneName(tz)}）` : `${text} (${zoneName(tz)})`;
}

// The same text as a node whose zone part never breaks inside ("（日本\n時間）" on a phone).
function zoned(text) {
  const m = /^(.*?)(\s?)([（(][^（(]*[）)])$/.exec(text);
  if (!m) return document.createTextNode(text);
  return el('span', {}, m[1], m[2], el('span', { class: 'nowrap' }, m[3]));
}

export function periodNode(startIso, endIso, tz) {
  return zoned(formatPeriod(startIso, endIso, tz));
}

export function windowNode(opensIso, closesIso, tz) {
  return zoned(formatWindow(opensIso, closesIso, tz));
}

// "2024年2月28日(水) 14:00〜17:00（日本時間）" / "Wed 28 Feb 2024, 14:00–17:00 (Japan time)",
// from RFC 3339 strings, in the event's zone (not the visitor's).
export function formatPeriod(startIso, endIso, tz) {
  const s = partsOf(new Date(startIso), tz);
  const e = partsOf(new Date(endIso), tz);
  const sameDay = dateText(s) === dateText(e);
  let text;
  if (lang === 'ja') {
    text = sameDay
      ? `${dateText(s)} ${timeText(s)}〜${timeText(e)}`
      : `${dateText(s)} ${timeText(s)}〜${dateText(e)} ${timeText(e)}`;
  } else {
    text = sameDay
      ? `${dateText(s)}, ${timeText(s)}–${timeText(e)}`
      : `${dateText(s)}, ${timeText(s)} – ${dateText(e)}, ${timeText(e)}`;
  }
  return withZone(text, tz);
}

// One instant: "2024年1月15日(月) 0:00（日本時間）" / "Mon 15 Jan 2024, 00:00 (Japan time)".
export function formatInstant(iso, tz) {
  const p = partsOf(new Date(iso), tz);
  return withZone(lang === 'ja' ? `${dateText(p)} ${timeText(p)}` : `${dateText(p)}, ${timeText(p)}`, tz);
}

// The sign-up window [opens, closes). When both ends fall on midnight it reads as whole days,
// the last one inclusive: "2024年1月15日(月)〜2024年2月21日(水)（日本時間）".
export function formatWindow(opensIso, closesIso, tz) {
  const o = partsOf(new Date(opensIso), tz);
  const c = partsOf(new Date(closesIso), tz);
  const midnight = (p) => Number(p.hour) === 0 && p.minute === '00';
  if (midnight(o) && midnight(c)) {
    const last = partsOf(new Date(new Date(closesIso).getTime() - 1), tz);
    return withZone(lang === 'ja' ? `${dateText(o)}〜${dateText(last)}` : `${dateText(o)} – ${dateText(last)}`, tz);
  }
  const a = lang === 'ja' ? `${dateText(o)} ${timeText(o)}` : `${dateText(o)}, ${timeText(o)}`;
  const b = lang === 'ja' ? `${dateText(c)} ${timeText(c)}` : `${dateText(c)}, ${timeText(c)}`;
  return withZone(lang === 'ja' ? `${a}〜${b}` : `${a} – ${b}`, tz);
}

export function formatNumber(n) {
  return Number(n).toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB');
}

// "about 30 seconds" from a Retry-After header (seconds or an HTTP date).
export function waitText(retryAfter) {
  let seconds = NaN;
  if (retryAfter) {
    seconds = /^\d+$/.test(retryAfter.trim())
      ? Number(retryAfter.trim())
      : Math.ceil((Date.parse(retryAfter) - Date.now()) / 1000);
  }
  if (!Number.isFinite(seconds) || seconds <= 0) return t('wait_moment');
  if (seconds < 90) return t('wait_seconds', Math.max(1, seconds));
  return t('wait_minutes', Math.ceil(seconds / 60));
}

// ---------------------------------------------------------------- API

// A JSON request in the page's language. Never throws for HTTP errors; throws only when the
// network fails (the caller says so to the person).
export async function api(path, { method = 'GET', body, headers = {} } = {}) {
  const h = { Accept: 'application/json', 'Accept-Language': lang, ...headers };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers: h,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
    credentials: 'same-origin',
  });
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  return { status: res.status, headers: res.headers, data };
}

// ---------------------------------------------------------------- DOM

// el('p', {class: 'x', 'aria-live': 'polite'}, 'text', child, ...). Attributes with a value of
// null/false are left out; strings become text nodes; arrays are flattened.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'dataset') Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    if (typeof c === 'object' && !(c instanceof Node) && 'strong' in c) node.append(el('strong', {}, c.strong));
    else node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

export function stateBadge(registration) {
  const state = registration.state;
  return el('span', { class: `badge badge-${state.replace('_', '-')}` }, t(`state_${state}`));
}
