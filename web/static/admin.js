// Organiser dashboard: sign-in with an account (a session cookie the page cannot read, and a
// CSRF token it sends on every change), or an admin token kept for this tab only
// (sessionStorage); the attendee list with search and status filter, exports, charts,
// cancellation, announcements, the outbox and, for owners, the audit trail. What a role may
// not do is not shown. Everything is built with textContent / createElement: no HTML from data.
"use strict";

(() => {
  const TOKEN_KEY = "regdesk.adminToken";
  const params = new URLSearchParams(location.search);
  const lang = params.get("lang") === "en" ? "en" : "ja";
  document.documentElement.lang = lang;

  const T = {
    ja: {
      title: "主催者ダッシュボード", signIn: "サインイン", token: "管理トークン", accessibility: "アクセシビリティ方針",
      tokenHelp: "このタブを閉じるとサインアウトします。", badToken: "トークンが正しくありません。",
      email: "メールアドレス", password: "パスワード", otp: "確認コード（認証アプリの6桁）",
      useToken: "管理トークンでサインインする", badSignIn: "メールアドレスまたはパスワードが正しくありません。",
      otpNeeded: "認証アプリに表示される6桁の確認コードを入力してください。",
      throttled: "失敗が続いたため、しばらくサインインできません。時間をおいてお試しください。",
      expired: "サインインの有効期限が切れました。もう一度サインインしてください。",
      roles: { owner: "所有者", editor: "編集者", viewer: "閲覧者" },
      audit: "操作記録（監査ログ）", auditCsv: "操作記録を CSV でダウンロード", at: "日時", who: "操作者",
      what: "操作", target: "対象",
      auditFilter: "絞り込み（操作者・操作・対象）",
      accounts: "アカウントと API トークン", usersCaption: "主催者アカウント", role: "役割", events: "イベント",
      state: "状態", addUser: "アカウントを追加", newPassword: "初期パスワード（12文字以上）",
      eventsField: "担当イベント（識別名をカンマ区切り。空欄はすべて）", add: "追加する",
      tokensCaption: "API トークン（自動処理用）", tokenName: "名前", expires: "有効期限", createdBy: "作成者",
      addToken: "API トークンを作成", tokenDays: "有効日数（空欄は無期限）", create: "作成する",
      tokenOnce: "このトークンは今だけ表示されます。安全な場所に保管してください。",
      allEvents: "すべて", active: "有効", disabledState: "無効", never: "無期限", disable: "無効にする",
      enable: "有効にする", added: (e) => `${e} を追加しました。`, changed: (e) => `${e} を変更しました。`,
      tokenMade: (n) => `トークン「${n}」を作成しました。`,
      signOut: "サインアウト", event: "イベント", confirmed: "確定", waitlisted: "キャンセル待ち",
      cancelled: "キャンセル", seats: "残席", joins: "参加（入室）", perDay: "日別の申込数",
      byCategory: "所属区分別（確定・キャンセル待ち）", exports: "参加者リストのダウンロード",
      csv: "CSV（UTF-8）", cp932: "CSV（Shift_JIS・旧Excel用）", xlsx: "Excel（.xlsx）",
      list: "参加者一覧", search: "検索（氏名・メール・所属・受付番号）", status: "状態", all: "すべて",
      number: "受付番号", name: "氏名", email: "メールアドレス", org: "所属", registered: "登録日時",
      pending: "承認待ち", declined: "見送り", approvalHeading: "承認待ちの申込", selectAll: "すべて選択",
      select: (r) => `${r.number} ${r.name} を選択`, approve: "承認する", decline: "見送る",
      approveSelected: "選択した申込を承認する", declineSelected: "選択した申込を見送る",
      declineLegend: "見送る方へのメッセージ（任意）", messageJa: "日本語", messageEn: "英語",
      declineHint: "イベントに設定したお断りの文面に続けて、メールに記載されます。",
      waiting: (n) => `${n}件の申込が承認を待っています。`, noneSelected: "申込を選んでください。",
      confirmDecline: (n) => `${n}件の申込を見送り、その旨をメールでお知らせします。よろしいですか？`,
      decided: (c) => [c.decided && `${c.decided}件を${c.verb}ました。`,
                       c.sold_out && `${c.sold_out}件は席もキャンセル待ちの枠もないため、承認待ちのままです。`,
                       c.other && `${c.other}件はすでに処理済みでした。`].filter(Boolean).join(""),
      approvedVerb: "承認し", declinedVerb: "見送り",
      invitationsHeading: "招待", invitationOrg: "所属（組織名）", invitationMax: "利用できる人数（空欄は制限なし）",
      invitationCreate: "招待コードを発行", inviteesFile: "招待する方の一覧（CSV）", inviteesImport: "取り込んで招待メールを送る",
      invitationsHelp: "この催しは招待制です。組織ごとの招待コード（リンク）を発行してご担当者に送るか、招待する方の一覧（CSV：メールアドレス、氏名、所属）を取り込むと、一人ずつ専用のリンクをメールでお送りします。",
      invitee: "招待した方", invitationCode: "招待コード・リンク", uses: "利用",
      usesOf: (i) => (i.max_uses == null ? `${i.uses}名` : `${i.uses} / ${i.max_uses}名`), noLimit: "—",
      invitationMade: (i) => `${i.organization} の招待コード ${i.code} を発行しました。リンク：${i.url}`,
      inviteesDone: (r) => `${r.invited}名に招待メールを送信予約しました。` +
        (r.already_invited.length ? `${r.already_invited.length}名は招待済みのため送っていません。` : "") +
        (r.skipped.length ? `読み込めなかった行：${r.skipped.map((x) => `${x.line}行目（${x.reason === "duplicate" ? "重複" : "メールアドレスの誤り"}）`).join("、")}` : ""),
      edit: "編集", resendConfirmation: "受付メールを再送", resendLink: "参加URLを再送", promote: "繰り上げる",
      forNumber: (n) => `（受付番号 ${n}）`, editHeading: "登録内容の変更", save: "保存する", close: "閉じる",
      kana: "ふりがな", dept: "部署", category: "所属区分", phone: "電話番号", question: "質問・要望",
      noCategory: "（未回答）", noAnswer: "（未回答）", saved: (n) => `受付番号 ${n} の登録内容を変更しました。`,
      unchanged: "変更はありません。", resent: (n) => `受付番号 ${n} へのメールを送信予約しました。`,
      alreadyQueued: (n) => `受付番号 ${n} へのメールは送信待ちです（重ねては送りません）。`,
      promotedMsg: (n) => `受付番号 ${n} を参加確定に繰り上げました。`,
      soldOut: "空席がないため繰り上げできません。",
      action: "操作", cancel: "キャンセルする", confirmCancel: "この登録をキャンセルしますか？空いた席はキャンセル待ちの方に移ります。",
      announce: "お知らせメールの送信", subjectJa: "件名（日本語）", subjectEn: "件名（英語）",
      bodyJa: "本文（日本語）", bodyEn: "本文（英語）", to: "宛先", send: "送信する",
      sent: (n) => `${n}名にお知らせを送信予約しました。`, mail: "メール送信状況",
      queued: "送信待ち", sending: "送信中", sentState: "送信済み", failed: "失敗", mailCancelled: "取消",
      showing: (from, to, total) => `${total}件中 ${from}–${to}件目を表示`, previousPage: "前の100件", nextPage: "次の100件", error: "エラーが発生しました：", none: "該当する登録はありません。",
      categories: { industry: "製造販売業者", academia: "アカデミア", cro: "CRO", healthcare: "医療機関", government: "行政", other: "その他", unknown: "未回答" },
      lang: "English",
      editEvent: "イベントを編集", newEvent: "新しいイベント", editorLinks: "イベントの設定",
      attendance: "出席の記録（開催後）", attendanceFile: "参加者レポートのファイル", attendanceImport: "読み込む",
      attendanceHelp: "Zoom・Webex・Teams の参加者レポート（CSV）をそのまま読み込みます。同じレポートを何度読み込んでも結果は変わりません。",
      imported: (r) => `${r.tool} のレポート：${r.rows}行、${r.registrations}名の登録に一致（新しい記録 ${r.new_sessions}件）、一致しない参加者 ${r.unmatched.length}名。`,
      unmatchedLabel: "登録と一致しない参加者", noAddress: "（メールアドレスなし）",
      attendedCard: "出席", rate: "出席率", minutesChart: "参加時間の分布（15分ごと、レポートより）",
      minutesFrom: (m) => `${m}分〜`, certificates: "参加証明書をまとめてダウンロード（PDF）",
      attendedAudience: "出席した方", absentAudience: "欠席した方",
      attendedCol: "出席", minutesCol: "参加時間（分）", yes: "出席",
      answersHeading: "質問への回答（確定・キャンセル待ち）", ticked: "はい",
    },
    en: {
      title: "Organiser dashboard", signIn: "Sign in", token: "Admin token", accessibility: "Accessibility",
      tokenHelp: "You are signed out when this tab closes.", badToken: "That token is not valid.",
      email: "E-mail address", password: "Password", otp: "Code (six digits from your authenticator app)",
      useToken: "Sign in with an admin token", badSignIn: "The address or the password is not right.",
      otpNeeded: "Enter the six-digit code your authenticator app shows.",
      throttled: "Too many failed attempts: sign-in is paused for a while. Try again later.",
      expired: "Your session has ended. Please sign in again.",
      roles: { owner: "Owner", editor: "Editor", viewer: "Viewer" },
      audit: "Audit trail", auditCsv: "Download the audit trail (CSV)", at: "When", who: "Who",
      what: "Action", target: "Target",
      auditFilter: "Filter (who, action, target)",
      accounts: "Accounts and API tokens", usersCaption: "Organiser accounts", role: "Role", events: "Events",
      state: "State", addUser: "Add an account", newPassword: "First password (12 characters or more)",
      eventsField: "Events (slugs, comma-separated; empty: all)", add: "Add",
      tokensCaption: "API tokens (for automation)", tokenName: "Name", expires: "Expires", createdBy: "Created by",
      addToken: "Create an API token", tokenDays: "Valid for days (empty: no expiry)", create: "Create",
      tokenOnce: "This token is shown only now. Keep it somewhere safe.",
      allEvents: "All", active: "Active", disabledState: "Disabled", never: "Never", disable: "Disable",
      enable: "Enable", added: (e) => `${e} added.`, changed: (e) => `${e} changed.`,
      tokenMade: (n) => `Token "${n}" created.`,
      signOut: "Sign out", event: "Event", confirmed: "Confirmed", waitlisted: "Waitlisted",
      cancelled: "Cancelled", seats: "Seats left", joins: "Joined", perDay: "Sign-ups per day",
      byCategory: "By category (confirmed and waitlisted)", exports: "Download the attendee list",
      csv: "CSV (UTF-8)", cp932: "CSV (Shift_JIS, older Excel)", xlsx: "Excel (.xlsx)",
      list: "Registrations", search: "Search (name, e-mail, organisation, number)", status: "Status", all: "All",
      number: "No.", name: "Name", email: "E-mail", org: "Organisation", registered: "Registered",
      pending: "Awaiting approval", declined: "Declined", approvalHeading: "Awaiting approval", selectAll: "Select all",
      select: (r) => `Select ${r.number} ${r.name}`, approve: "Approve", decline: "Decline",
      approveSelected: "Approve the selected", declineSelected: "Decline the selected",
      declineLegend: "Message to those declined (optional)", messageJa: "Japanese", messageEn: "English",
      declineHint: "Added to the mail after the event's own message.",
      waiting: (n) => `${n} registration(s) await approval.`, noneSelected: "Select registrations first.",
      confirmDecline: (n) => `Decline ${n} registration(s) and tell them by mail?`,
      decided: (c) => [c.decided && `${c.verb} ${c.decided}.`,
                       c.sold_out && ` ${c.sold_out} stay pending: no seat or waitlist place is left.`,
                       c.other && ` ${c.other} had been decided already.`].filter(Boolean).join(""),
      approvedVerb: "Approved", declinedVerb: "Declined",
      invitationsHeading: "Invitations", invitationOrg: "Organisation", invitationMax: "How many may use it (empty: no limit)",
      invitationCreate: "Make an invitation code", inviteesFile: "People to invite (CSV)", inviteesImport: "Import and mail the invitations",
      invitationsHelp: "This event is by invitation. Make a code (link) per organisation and send it to its contact, or import the people to invite (CSV: e-mail, name, organisation) and each gets a personal link by mail.",
      invitee: "Invited person", invitationCode: "Code and link", uses: "Used",
      usesOf: (i) => (i.max_uses == null ? `${i.uses}` : `${i.uses} / ${i.max_uses}`), noLimit: "—",
      invitationMade: (i) => `Invitation code ${i.code} made for ${i.organization}. Link: ${i.url}`,
      inviteesDone: (r) => `${r.invited} invitation(s) queued.` +
        (r.already_invited.length ? ` ${r.already_invited.length} were invited before and not mailed again.` : "") +
        (r.skipped.length ? ` Lines not read: ${r.skipped.map((x) => `${x.line} (${x.reason})`).join(", ")}` : ""),
      edit: "Edit", resendConfirmation: "Resend sign-up mail", resendLink: "Resend meeting link", promote: "Promote",
      forNumber: (n) => ` (No. ${n})`, editHeading: "Change a registration", save: "Save", close: "Close",
      kana: "Name reading (furigana)", dept: "Department", category: "Category", phone: "Phone", question: "Questions and requests",
      noCategory: "(not given)", noAnswer: "(not answered)", saved: (n) => `Registration No. ${n} changed.`,
      unchanged: "Nothing changed.", resent: (n) => `Mail to No. ${n} queued.`,
      alreadyQueued: (n) => `A mail to No. ${n} is already waiting to go (not queued twice).`,
      promotedMsg: (n) => `No. ${n} promoted to confirmed.`,
      soldOut: "No seat is free: cannot promote.",
      action: "Action", cancel: "Cancel", confirmCancel: "Cancel this registration? The seat goes to the waitlist.",
      announce: "Send an announcement", subjectJa: "Subject (Japanese)", subjectEn: "Subject (English)",
      bodyJa: "Body (Japanese)", bodyEn: "Body (English)", to: "To", send: "Send",
      sent: (n) => `Announcement queued for ${n} people.`, mail: "Mail",
      queued: "Queued", sending: "Sending", sentState: "Sent", failed: "Failed", mailCancelled: "Cancelled",
      showing: (from, to, total) => `Showing ${from}–${to} of ${total}`, previousPage: "Previous 100", nextPage: "Next 100", error: "Something went wrong: ", none: "No matching registrations.",
      categories: { industry: "Marketing-authorisation holder", academia: "Academia", cro: "CRO", healthcare: "Healthcare", government: "Government", other: "Other", unknown: "Not given" },
      lang: "日本語",
      editEvent: "Edit the event", newEvent: "New event", editorLinks: "Event settings",
      attendance: "Attendance (after the event)", attendanceFile: "Attendance report file", attendanceImport: "Import",
      attendanceHelp: "Import the participants report (CSV) of Zoom, Webex or Teams as exported. Importing the same report again changes nothing.",
      imported: (r) => `${r.tool} report: ${r.rows} rows, matched ${r.registrations} registrations (${r.new_sessions} new sessions), ${r.unmatched.length} people not matched.`,
      unmatchedLabel: "Participants matching no registration", noAddress: "(no address)",
      attendedCard: "Attended", rate: "Attendance rate", minutesChart: "Minutes attended (15-minute bands, from reports)",
      minutesFrom: (m) => `${m}+ min`, certificates: "Download all certificates (PDF)",
      attendedAudience: "Those who attended", absentAudience: "Those who did not",
      attendedCol: "Attended", minutesCol: "Minutes", yes: "Yes",
      answersHeading: "Answers to your questions (confirmed and waitlisted)", ticked: "Yes",
    },
  }[lang];

  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c);
    return node;
  };
  const svg = (tag, attrs = {}) => {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    return node;
  };

  let token = sessionStorage.getItem(TOKEN_KEY) || "";
  let csrf = "";       // set while signed in with an account (the cookie itself is HttpOnly)
  let actor = null;    // {name, role, events}
  let rows = [];

  async function api(method, path, body) {
    const headers = { "Accept-Language": lang };
    if (token) headers.Authorization = `Bearer ${token}`;
    else if (csrf && method !== "GET") headers["X-CSRF-Token"] = csrf;
    const file = body instanceof Blob;  // an attendance report, sent as the tool wrote it
    if (body) headers["Content-Type"] = file ? "text/csv" : "application/json";
    const res = await fetch(path, { method, headers, credentials: "same-origin",
                                    body: body ? (file ? body : JSON.stringify(body)) : undefined });
    if (res.status === 401) {
      const wasSession = !!csrf;
      signedOut();
      if (wasSession) $("signin-error").textContent = T.expired;
      throw new Error(wasSession ? T.expired : T.badToken);
    }
    if (!res.ok) {
      let detail = res.statusText;
      try {
        const p = await res.json();
        // Field errors say which field and why; otherwise the problem's own words.
        detail = p.errors?.length ? p.errors.map((f) => `${f.field}: ${f.message}`).join(" / ")
          : p.detail || p.title || detail;
      } catch (_) { /* not JSON */ }
      throw new Error(detail);
    }
    return res;
  }

  function say(msg, kind = "info") {
    const box = $("messages");
    box.textContent = msg;
    box.className = `messages ${kind}`;
  }

  function signedOut() {
    sessionStorage.removeItem(TOKEN_KEY);
    token = "";
    csrf = "";
    actor = null;
    $("dashboard").hidden = true;
    $("signin").hidden = false;
    $("email").focus();
  }

  async function signOut() {
    if (csrf) {
      try { await api("DELETE", "/api/v1/admin/session"); } catch (_) { /* ended already */ }
    }
    signedOut();
  }

  // The parts of the page a role may use; the server refuses the rest anyway.
  function showFor(who) {
    actor = who;
    const personal = who.role !== "viewer";
    for (const id of ["exports-section", "list-section", "announce-section", "mail-section", "attendance-section"])
      $(id).hidden = !personal;
    $("audit-section").hidden = who.role !== "owner";
    $("accounts-section").hidden = who.role !== "owner";
    $("editor-links").hidden = who.role === "viewer";
    $("who").textContent = `${who.name.replace(/^user:/, "")} (${T.roles[who.role] || who.role})`;
  }

  async function enter() {
    const who = await (await api("GET", "/api/v1/admin/session")).json();
    if (who.csrf_token) csrf = who.csrf_token;
    showFor(who.actor);
    await loadEvents();
    $("signin").hidden = true;
    $("dashboard").hidden = false;
    say("");
  }

  async function signIn(event) {
    event.preventDefault();
    const error = $("signin-error");
    error.textContent = "";
    const body = { email: $("email").value.trim(), password: $("password").value };
    if ($("otp").value.trim()) body.otp = $("otp").value.trim();
    const res = await fetch("/api/v1/admin/session", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept-Language": lang },
      body: JSON.stringify(body),
    });
    const answer = await res.json().catch(() => ({}));
    if (!res.ok) {
      if (answer.code === "otp_required") {
        $("otp-field").hidden = false;
        error.textContent = T.otpNeeded;
        $("otp").focus();
      } else {
        error.textContent = answer.code === "rate_limited" ? T.throttled
          : answer.code === "sign_in_failed" ? T.badSignIn : (answer.title || res.statusText);
        $("password").select();
      }
      return;
    }
    csrf = answer.csrf_token;
    $("password").value = "";
    $("otp").value = "";
    try { await enter(); } catch (e) { error.textContent = e.message; }
  }

  async function signInWithToken(event) {
    event.preventDefault();
    token = $("token").value.trim();
    try {
      await enter();
      sessionStorage.setItem(TOKEN_KEY, token);
      $("token").value = "";
    } catch (e) {
      $("signin-error").textContent = T.badToken;
      token = "";
    }
  }

  async function loadEvents() {
    const { events } = await (await api("GET", "/api/v1/admin/events")).json();
    const select = $("event");
    select.replaceChildren(...events.map((e) => el("option", { value: e.slug, text: e.title[lang] || e.title.ja })));
    editorLinks();
    if (events.length) await loadEvent();
  }

  const slug = () => $("event").value;

  // The editor's links follow the selected event (and the page's language).
  function editorLinks() {
    const q = lang === "en" ? "lang=en" : "";
    $("edit-event").hidden = !slug();
    $("edit-event").href = `/admin/editor?event=${encodeURIComponent(slug())}${q ? `&${q}` : ""}`;
    $("new-event").href = `/admin/editor${q ? `?${q}` : ""}`;
  }

  async function loadEvent() {
    editorLinks();
    const loads = [loadStats()];
    if (actor && actor.role !== "viewer") loads.push(loadRegistrations("first"), loadMail(), loadAttendance());
    if (actor && actor.role === "owner") loads.push(loadAudit(), loadAccounts());
    await Promise.all(loads);
  }

  let auditEntries = [];

  async function loadAudit() {
    auditEntries = (await (await api("GET", `/api/v1/admin/audit?event=${encodeURIComponent(slug())}`)).json()).entries;
    renderAudit();
  }

  // The newest 100 entries of the event that match the filter (who, action or target).
  function renderAudit() {
    const needle = $("audit-filter").value.trim().toLowerCase();
    const recent = auditEntries.filter((e) => !needle ||
      [e.actor, e.action, e.target || ""].some((f) => f.toLowerCase().includes(needle))).slice(-100).reverse();
    $("audit-rows").replaceChildren(...recent.map((e) => el("tr", {},
      el("td", { text: e.at.replace("T", " ").slice(0, 19) }), el("td", { text: e.actor }),
      el("td", { text: e.action }), el("td", { text: e.target || "" }))));
  }

  // ---- accounts and tokens (owners) ----
  const slugList = (text) => text.split(",").map((s) => s.trim()).filter(Boolean);
  const accountsSay = (msg, kind = "ok") => {
    $("accounts-messages").textContent = msg;
    $("accounts-messages").className = `messages ${kind}`;
  };
  async function loadAccounts() {
    const [{ users }, { tokens }] = await Promise.all([
      (await api("GET", "/api/v1/admin/users")).json(), (await api("GET", "/api/v1/admin/tokens")).json()]);
    $("user-rows").replaceChildren(...users.map((u) => el("tr", {},
      el("td", { text: u.email }), el("td", { text: T.roles[u.role] || u.role }),
      el("td", { text: u.events.length ? u.events.join(", ") : T.allEvents }),
      el("td", { text: u.disabled ? T.disabledState : T.active }),
      el("td", {}, el("button", { type: "button", class: u.disabled ? "" : "danger",
        text: u.disabled ? T.enable : T.disable, "aria-label": `${u.disabled ? T.enable : T.disable}: ${u.email}`,
        onclick: () => changeUser(u, { disabled: !u.disabled }) })))));
    $("token-rows").replaceChildren(...tokens.map((k) => el("tr", {},
      el("td", { text: k.name }), el("td", { text: T.roles[k.role] || k.role }),
      el("td", { text: k.events.length ? k.events.join(", ") : T.allEvents }),
      el("td", { text: k.expires_at ? k.expires_at.replace("T", " ").slice(0, 16) : T.never }),
      el("td", { text: k.created_by }))));
  }

  async function changeUser(u, change) {
    try {
      await api("PATCH", `/api/v1/admin/users/${u.id}`, change);
      accountsSay(T.changed(u.email));
      await loadAccounts();
    } catch (e) { accountsSay(T.error + e.message, "error"); }
  }

  async function addUser(event) {
    event.preventDefault();
    const body = { email: $("user-email").value.trim(), password: $("user-password").value,
                   role: $("user-role").value, events: slugList($("user-events").value) };
    try {
      await api("POST", "/api/v1/admin/users", body);
      accountsSay(T.added(body.email));
      event.target.reset();
      await loadAccounts();
    } catch (e) { accountsSay(T.error + e.message, "error"); }
  }

  async function addToken(event) {
    event.preventDefault();
    const body = { name: $("new-token-name").value.trim(), role: $("new-token-role").value,
                   events: slugList($("new-token-events").value) };
    const days = Number($("new-token-days").value);
    if (days > 0) {
      const who = await (await api("GET", "/api/v1/admin/session")).json();  // the server's clock
      body.expires_at = new Date(Date.parse(who.server_time) + days * 86400000).toISOString();
    }
    try {
      const made = await (await api("POST", "/api/v1/admin/tokens", body)).json();
      $("new-token-value").textContent = made.token;
      $("new-token").hidden = false;
      accountsSay(T.tokenMade(made.name));
      event.target.reset();
      await loadAccounts();
    } catch (e) { accountsSay(T.error + e.message, "error"); }
  }

  async function downloadAudit() {
    try {
      const res = await api("GET", `/api/v1/admin/audit?event=${encodeURIComponent(slug())}&format=csv`);
      saveBlob(await res.blob(), "audit.csv");
    } catch (e) { say(T.error + e.message, "error"); }
  }

  function saveBlob(blob, name) {
    const a = el("a", { href: URL.createObjectURL(blob), download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }

  async function loadStats() {
    const s = await (await api("GET", `/api/v1/admin/events/${slug()}/stats`)).json();
    const cards = [[T.confirmed, s.counts.confirmed], [T.waitlisted, s.counts.waitlisted],
                   ...(s.approval === "required" ? [[T.pending, s.counts.pending]] : []),
                   [T.cancelled, s.counts.cancelled], [T.seats, `${s.seats_remaining} / ${s.capacity}`],
                   [T.joins, s.joins], [T.attendedCard, s.attendance.attended],
                   [T.rate, `${Math.round(s.attendance.rate * 100)}%`]];
    $("summary").replaceChildren(...cards.map(([k, v]) =>
      el("div", { class: "card" }, el("div", { class: "card-label", text: k }), el("div", { class: "card-value", text: String(v) }))));
    drawBars($("chart-days"), s.signups_per_day.map((d) => [d.date.slice(5), d.count]), T.perDay, false);
    const order = ["industry", "academia", "cro", "healthcare", "government", "other", "unknown"];
    const categories = Object.entries(s.by_category).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
    drawBars($("chart-categories"), categories.map(([k, v]) => [T.categories[k] || k, v]), T.byCategory, true);
    $("certificates").hidden = s.attendance.certificate_min_minutes == null;
    drawBars($("chart-minutes"), s.attendance.minutes.map((m) => [T.minutesFrom(m.from), m.count]), T.minutesChart, true);
    await drawAnswers(s.answers || {});
    await loadApproval(s);
    await loadInvitations(s);
    const mail = s.mail;
    $("mail-counts").replaceChildren(...[["queued", T.queued], ["sending", T.sending], ["sent", T.sentState],
                                         ["failed", T.failed], ["cancelled", T.mailCancelled]]
      .map(([k, label]) => el("li", { class: `mail-${k}` }, el("span", { text: label }), el("strong", { text: String(mail[k] || 0) }))));
  }

  // One horizontal bar chart per choice question, labelled as the event document words it.
  async function drawAnswers(counts) {
    const ids = Object.keys(counts);
    $("answers-section").hidden = !ids.length;
    if (!ids.length) return $("answers-charts").replaceChildren();
    const doc = await (await api("GET", `/api/v1/admin/events/${slug()}`)).json();
    const words = (text) => (text && (text[lang] || text.ja || text.en)) || "";
    const figures = [];
    for (const q of doc.questions || []) {
      if (!counts[q.id]) continue;
      const bars = q.type === "checkbox"
        ? [[T.ticked, counts[q.id].true || 0]]
        : (q.options || []).map((o) => [words(o.label) || o.value, counts[q.id][o.value] || 0]);
      const figure = el("figure", {}, el("figcaption", { text: words(q.label) }), el("div", { id: `chart-answers-${q.id}` }));
      drawBars(figure.lastChild, bars, words(q.label), true);
      figures.push(figure);
    }
    $("answers-charts").replaceChildren(...figures);
  }

  // A bar chart in plain SVG: vertical bars for days, horizontal for categories.
  function drawBars(container, data, title, horizontal) {
    const width = 560, rowH = 26, pad = 8;
    const max = Math.max(1, ...data.map(([, v]) => v));
    const chart = svg("svg", { role: "img", "aria-label": title, class: "chart" });
    chart.append(Object.assign(svg("title"), { textContent: title }));
    if (horizontal) {
      const labelW = 190, height = data.length * rowH + pad * 2;
      chart.setAttribute("viewBox", `0 0 ${width} ${height}`);
      data.forEach(([label, v], i) => {
        const y = pad + i * rowH, w = ((width - labelW - 50) * v) / max;
        chart.append(Object.assign(svg("text", { x: labelW - 6, y: y + 17, "text-anchor": "end", class: "chart-label" }), { textContent: label }));
        chart.append(svg("rect", { x: labelW, y: y + 4, width: Math.max(w, v ? 2 : 0), height: rowH - 8, class: "bar" }));
        chart.append(Object.assign(svg("text", { x: labelW + w + 6, y: y + 17, class: "chart-value" }), { textContent: String(v) }));
      });
    } else {
      const height = 220, base = height - 30, n = Math.max(data.length, 1);
      const slot = (width - pad * 2) / n, barW = Math.min(40, slot * 0.7);
      chart.setAttribute("viewBox", `0 0 ${width} ${height}`);
      chart.append(svg("line", { x1: pad, x2: width - pad, y1: base, y2: base, class: "axis" }));
      data.forEach(([label, v], i) => {
        const h = ((base - 24) * v) / max, x = pad + i * slot + (slot - barW) / 2;
        chart.append(svg("rect", { x, y: base - h, width: barW, height: h, class: "bar" }));
        chart.append(Object.assign(svg("text", { x: x + barW / 2, y: base - h - 4, "text-anchor": "middle", class: "chart-value" }), { textContent: String(v) }));
        chart.append(Object.assign(svg("text", { x: x + barW / 2, y: base + 18, "text-anchor": "middle", class: "chart-label" }), { textContent: label }));
      });
    }
    container.replaceChildren(chart);
  }

  // The list comes from the server a page at a time, searched and filtered there, so an event
  // of 100,000 registrations opens as fast as one of 100. `cursors` holds the `after` of every
  // page on the way to the one shown (the last), so 前へ goes back without counting offsets.
  const PAGE_SIZE = 100;
  let cursors = [0];
  let listPage = { registrations: [], total: 0, next: null };
  let listRequest = 0;  // answers to an older request (typing is fast) are dropped

  async function loadRegistrations(move = "stay") {
    if (move === "first") cursors = [0];
    else if (move === "next" && listPage.next != null) cursors.push(listPage.next);
    else if (move === "previous" && cursors.length > 1) cursors.pop();
    const params = new URLSearchParams({ format: "json", limit: String(PAGE_SIZE), after: String(cursors.at(-1)) });
    if ($("status").value) params.set("status", $("status").value);
    const needle = $("search").value.trim();
    if (needle) params.set("q", needle);
    const mine = ++listRequest;
    const answer = await (await api("GET", `/api/v1/admin/events/${slug()}/registrations?${params}`)).json();
    if (mine !== listRequest) return;
    listPage = answer;
    rows = answer.registrations;
    renderRows();
  }

  function renderRows() {
    const from = (cursors.length - 1) * PAGE_SIZE + 1;
    $("count").textContent = rows.length ? T.showing(from, from + rows.length - 1, listPage.total) : "";
    $("page-previous").disabled = cursors.length <= 1;
    $("page-next").disabled = listPage.next == null;
    const body = $("rows");
    if (!rows.length) {
      body.replaceChildren(el("tr", {}, el("td", { colspan: "9", text: T.none })));
      return;
    }
    body.replaceChildren(...rows.map((r) => {
      const action = r.status === "cancelled" || r.status === "declined" ? el("span", { text: "—" }) : rowActions(r);
      return el("tr", {},
        el("td", { text: String(r.number) }), el("td", { text: T[r.status] || r.status }),
        el("td", { text: r.name }), el("td", { text: r.email }), el("td", { text: r.organization }),
        el("td", { text: (r.registered_at || "").replace("T", " ").slice(0, 16) }),
        el("td", { text: r.attended ? T.yes : "" }),
        el("td", { class: "number", text: r.minutes_attended == null ? "" : String(r.minutes_attended) }),
        el("td", {}, action));
    }));
  }

  // The approval queue (events with approval required): one by one, or the selected at once.
  let queue = [];

  async function loadApproval(stats) {
    const shown = stats.approval === "required" && actor && actor.role !== "viewer";
    $("approval-section").hidden = !shown;
    if (!shown) return;
    // The first 500 in 受付番号 order (a bulk decision takes at most 500), and how many wait.
    const waiting = await (await api("GET", `/api/v1/admin/events/${slug()}/registrations?format=json&status=pending&limit=500`)).json();
    queue = waiting.registrations;
    $("approval-count").textContent = T.waiting(waiting.total);
    $("approval-all").checked = false;
    $("approval-rows").replaceChildren(...(queue.length ? queue.map((r) => el("tr", {},
      el("td", {}, el("input", { type: "checkbox", class: "approval-pick", value: r.id, "aria-label": T.select(r) })),
      el("td", { text: String(r.number) }), el("td", { text: r.name }), el("td", { text: r.email }),
      el("td", { text: r.organization }), el("td", { text: (r.registered_at || "").replace("T", " ").slice(0, 16) }),
      el("td", { class: "actions" },
        el("button", { type: "button", text: T.approve, "aria-label": `${T.approve}: ${r.number} ${r.name}`, onclick: () => decide("approve", [r.id]) }),
        el("button", { type: "button", class: "danger", text: T.decline, "aria-label": `${T.decline}: ${r.number} ${r.name}`,
                       onclick: () => decide("decline", [r.id]) }))))
      : [el("tr", {}, el("td", { colspan: "7", text: T.none }))]));
  }

  const picked = () => [...document.querySelectorAll(".approval-pick:checked")].map((box) => box.value);

  async function decide(verdict, ids) {
    const box = $("approval-messages");
    if (!ids.length) { box.textContent = T.noneSelected; return; }
    if (verdict === "decline" && !confirm(T.confirmDecline(ids.length))) return;
    const body = { ids };
    const ja = $("decline-ja").value.trim(), en = $("decline-en").value.trim();
    if (verdict === "decline" && (ja || en)) body.message = { ja, en };
    try {
      const answer = await (await api("POST", `/api/v1/admin/events/${slug()}/registrations/${verdict}`, body)).json();
      const count = (o) => answer.results.filter((x) => x.outcome === o).length;
      box.textContent = T.decided({ decided: count("decided"), sold_out: count("sold_out"),
        other: answer.results.length - count("decided") - count("sold_out"),
        verb: verdict === "approve" ? T.approvedVerb : T.declinedVerb });
      box.className = "messages info";
      await loadEvent();
    } catch (e) { box.textContent = T.error + e.message; box.className = "messages error"; }
  }

  // What an organiser may do to an active registration, each named with its number for
  // screen readers (the visible word first, so speech input finds it).
  function rowActions(r) {
    const button = (text, cls, onclick) => el("button", {
      type: "button", class: cls, "data-id": r.id, "aria-label": text + T.forNumber(r.number), text, onclick,
    });
    const buttons = [button(T.edit, "edit", () => openEdit(r).catch((e) => say(T.error + e.message, "error"))),
      button(T.resendConfirmation, "resend", () => resend(r, "confirmation"))];
    if (r.status === "confirmed") buttons.push(button(T.resendLink, "resend-link", () => resend(r, "meeting_link")));
    if (r.status === "waitlisted") buttons.push(button(T.promote, "promote", () => promote(r)));
    buttons.push(el("button", { type: "button", class: "danger", "data-id": r.id, text: T.cancel, onclick: () => cancel(r) }));
    return el("div", { class: "row-actions" }, ...buttons);
  }

  const EDIT_FIELDS = ["name", "name_kana", "organization", "department", "category", "phone", "question"];
  let editing = null;  // the row being edited, and the button that opened the dialog
  let editOpener = null;

  // The event's own questions in the dialog, pre-filled with the registration's answers; each
  // reads back as the API takes it (text, an option's value, the chosen values, true/false).
  let editQuestions = [];

  function answerControls(q, stored) {
    const words = (text) => (text && (text[lang] || text.ja || text.en)) || "";
    const id = `edit-answer-${q.id}`;
    if (q.type === "multi") {
      const chosen = new Set(Array.isArray(stored) ? stored : []);
      return el("fieldset", { id },
        el("legend", { text: words(q.label) }),
        ...(q.options || []).map((o) => el("label", { class: "choice" },
          el("input", { type: "checkbox", value: o.value, ...(chosen.has(o.value) ? { checked: "" } : {}) }),
          el("span", { text: words(o.label) || o.value }))));
    }
    if (q.type === "checkbox") {
      return el("label", { class: "choice" },
        el("input", { type: "checkbox", id, ...(stored === true ? { checked: "" } : {}) }),
        el("span", { text: words(q.label) }));
    }
    let control;
    if (q.type === "select") {
      control = el("select", { id }, el("option", { value: "", text: T.noAnswer }),
        ...(q.options || []).map((o) => el("option", { value: o.value, text: words(o.label) || o.value })));
    } else {
      control = el(q.type === "textarea" ? "textarea" : "input", { id, autocomplete: "off", ...(q.type === "textarea" ? { rows: "3" } : {}) });
    }
    control.value = typeof stored === "string" ? stored : "";
    return el("label", {}, el("span", { text: words(q.label) }), control);
  }

  function answerValue(q) {
    const node = $(`edit-answer-${q.id}`);
    if (q.type === "multi") return [...node.querySelectorAll("input:checked")].map((box) => box.value);
    if (q.type === "checkbox") return node.checked;
    return node.value;
  }

  // Unanswered reads as "", [] or false alike, so opening and saving changes nothing.
  const sameAnswer = (a, b) => JSON.stringify(a ?? "") === JSON.stringify(b ?? "") ||
    [a, b].every((v) => v == null || v === "" || v === false || (Array.isArray(v) && !v.length));

  async function openEdit(r) {
    editing = r;
    editOpener = document.activeElement;
    const doc = await (await api("GET", `/api/v1/admin/events/${slug()}`)).json();
    editQuestions = doc.questions || [];
    $("edit-answers").replaceChildren(...editQuestions.map((q) => answerControls(q, (r.answers || {})[q.id])));
    $("edit-who").textContent = `${T.number} ${r.number} / ${r.email}`;
    $("edit-errors").textContent = "";
    $("edit-category").replaceChildren(el("option", { value: "", text: T.noCategory }),
      ...Object.keys(T.categories).filter((c) => c !== "unknown")
        .map((c) => el("option", { value: c, text: T.categories[c] })));
    for (const f of EDIT_FIELDS) $(`edit-${f}`).value = r[f] || "";
    $("edit-dialog").showModal();
    $("edit-name").focus();
  }

  function closeEdit() {
    $("edit-dialog").close();
    editOpener?.focus();
  }

  async function saveEdit(event) {
    event.preventDefault();
    const body = {};  // only what was changed: the rest stays as stored
    for (const f of EDIT_FIELDS) {
      const v = $(`edit-${f}`).value;
      if (v !== (editing[f] || "")) body[f] = v;
    }
    const answers = {};
    for (const q of editQuestions) {
      const v = answerValue(q);
      if (!sameAnswer(v, (editing.answers || {})[q.id])) answers[q.id] = v;
    }
    if (Object.keys(answers).length) body.answers = answers;
    if (!Object.keys(body).length) {
      say(T.unchanged);
      closeEdit();
      return;
    }
    try {
      await api("PATCH", `/api/v1/admin/events/${slug()}/registrations/${editing.id}`, body);
      const number = editing.number;
      closeEdit();
      say(T.saved(number));
      await loadRegistrations();
    } catch (e) {
      $("edit-errors").textContent = T.error + e.message;
      $("edit-errors").focus();
    }
  }

  async function resend(r, mail) {
    try {
      const res = await (await api("POST", `/api/v1/admin/events/${slug()}/registrations/${r.id}/resend`, { mail })).json();
      say(res.already_queued ? T.alreadyQueued(r.number) : T.resent(r.number));
    } catch (e) { say(T.error + e.message, "error"); }
  }

  async function promote(r) {
    try {
      await api("POST", `/api/v1/admin/events/${slug()}/registrations/${r.id}/promote`);
      await loadEvent();
      say(T.promotedMsg(r.number));
    } catch (e) { say(T.error + e.message, "error"); }
  }

  // Invitations (events by invitation): codes per organisation, personal ones from a list.
  async function loadInvitations(stats) {
    const shown = stats.invitation_required && actor && actor.role !== "viewer";
    $("invitations-section").hidden = !shown;
    if (!shown) return;
    const { invitations } = await (await api("GET", `/api/v1/admin/events/${slug()}/invitations`)).json();
    $("invitation-rows").replaceChildren(...(invitations.length ? invitations.slice(-1000).reverse().map((i) => el("tr", {},
      el("td", { text: i.organization }), el("td", { text: i.personal ? `${i.name} ${i.email}` : "" }),
      el("td", {}, el("code", { text: i.code }), " ", el("a", { href: i.url, text: i.url })),
      el("td", { class: "number", text: T.usesOf(i) }),
      el("td", { text: i.expires_at ? i.expires_at.replace("T", " ").slice(0, 16) : T.noLimit })))
      : [el("tr", {}, el("td", { colspan: "5", text: T.none }))]));
  }

  function invitationMessage(text, kind) {
    $("invitations-messages").textContent = text;
    $("invitations-messages").className = `messages ${kind}`;
  }

  async function createInvitation(event) {
    event.preventDefault();
    const body = { organization: $("invitation-org").value.trim() };
    if ($("invitation-max").value) body.max_uses = Number($("invitation-max").value);
    try {
      const made = await (await api("POST", `/api/v1/admin/events/${slug()}/invitations`, body)).json();
      invitationMessage(T.invitationMade(made), "ok");
      event.target.reset();
      await loadInvitations({ invitation_required: true });
    } catch (e) { invitationMessage(T.error + e.message, "error"); }
  }

  async function importInvitees(event) {
    event.preventDefault();
    const file = $("invitees-file").files[0];
    if (!file) return;
    try {
      const r = await (await api("POST", `/api/v1/admin/events/${slug()}/invitations/import`, file)).json();
      invitationMessage(T.inviteesDone(r), "ok");
      event.target.reset();
      await Promise.all([loadInvitations({ invitation_required: true }), loadMail()]);
    } catch (e) { invitationMessage(T.error + e.message, "error"); }
  }

  async function cancel(r) {
    if (!confirm(`${T.confirmCancel}\n${r.number} ${r.name}`)) return;
    try {
      await api("POST", `/api/v1/admin/events/${slug()}/registrations/${r.id}/cancel`);
      await loadEvent();
    } catch (e) { say(T.error + e.message, "error"); }
  }

  async function download(format, encoding) {
    try {
      const res = await api("GET", `/api/v1/admin/events/${slug()}/registrations?format=${format}&encoding=${encoding}`);
      const name = (res.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/);
      saveBlob(await res.blob(), name ? name[1] : `registrations.${format}`);
    } catch (e) { say(T.error + e.message, "error"); }
  }

  async function importAttendance(event) {
    event.preventDefault();
    const file = $("attendance-file").files[0];
    if (!file) return;
    try {
      const r = await (await api("POST", `/api/v1/admin/events/${slug()}/attendance`, file)).json();
      $("attendance-result").textContent = T.imported(r);
      $("attendance-result").className = "messages ok";
      showUnmatched(r.unmatched);
      event.target.reset();
      await Promise.all([loadStats(), loadRegistrations()]);
    } catch (e) {
      $("attendance-result").textContent = T.error + e.message;
      $("attendance-result").className = "messages error";
    }
  }

  function showUnmatched(list) {
    const box = $("attendance-unmatched");
    box.setAttribute("aria-label", T.unmatchedLabel);
    box.replaceChildren(...list.slice(0, 200).map((u) => el("li", { text: `${u.email || T.noAddress} ${u.name}` })));
  }

  async function loadAttendance() {
    const a = await (await api("GET", `/api/v1/admin/events/${slug()}/attendance`)).json();
    showUnmatched(a.unmatched);
  }

  async function downloadCertificates() {
    try {
      const res = await api("GET", `/api/v1/admin/events/${slug()}/certificates`);
      saveBlob(await res.blob(), `certificates-${slug()}.pdf`);
    } catch (e) { say(T.error + e.message, "error"); }
  }

  async function loadMail() {
    const { mail } = await (await api("GET", `/api/v1/admin/events/${slug()}/mail?state=failed`)).json();
    $("mail-failed").replaceChildren(...mail.slice(0, 50).map((m) =>
      el("li", { text: `${m.kind} → ${m.email}: ${m.last_error || ""}` })));
  }

  async function announce(event) {
    event.preventDefault();
    const body = {
      subject: { ja: $("subject-ja").value, en: $("subject-en").value },
      body: { ja: $("body-ja").value, en: $("body-en").value },
      to: $("to").value,
    };
    try {
      const r = await (await api("POST", `/api/v1/admin/events/${slug()}/announcements`, body)).json();
      say(T.sent(r.recipients), "ok");
      event.target.reset();
      await loadStats();
    } catch (e) { say(T.error + e.message, "error"); }
  }

  function labels() {
    document.title = T.title;
    for (const node of document.querySelectorAll("[data-t]")) node.textContent = T[node.dataset.t];
    for (const node of document.querySelectorAll("[data-placeholder]")) node.placeholder = T[node.dataset.placeholder];
    const other = new URLSearchParams(location.search);
    other.set("lang", lang === "en" ? "ja" : "en");
    $("lang").href = `?${other}`;
    $("lang").textContent = T.lang;
    $("editor-links").setAttribute("aria-label", T.editorLinks);
    $("status").replaceChildren(el("option", { value: "", text: T.all }),
      ...["confirmed", "waitlisted", "pending", "declined", "cancelled"].map((s) => el("option", { value: s, text: T[s] })));
    $("approval-all").setAttribute("aria-label", T.selectAll);
    for (const id of ["user-role", "new-token-role"])
      $(id).replaceChildren(...["editor", "viewer", "owner"].map((r) => el("option", { value: r, text: T.roles[r] })));
    $("to").replaceChildren(...[["confirmed", T.confirmed], ["waitlisted", T.waitlisted], ["all", T.all],
                                ["attended", T.attendedAudience], ["absent", T.absentAudience]]
      .map(([v, t]) => el("option", { value: v, text: t })));
  }

  document.addEventListener("DOMContentLoaded", async () => {
    labels();
    $("signin-form").addEventListener("submit", signIn);
    $("token-form").addEventListener("submit", signInWithToken);
    $("audit-csv").addEventListener("click", downloadAudit);
    $("audit-filter").addEventListener("input", renderAudit);
    $("user-form").addEventListener("submit", addUser);
    $("token-form-new").addEventListener("submit", addToken);
    $("signout").addEventListener("click", signOut);
    $("event").addEventListener("change", () => loadEvent().catch((e) => say(T.error + e.message, "error")));
    $("approval-all").addEventListener("change", (e) => {
      for (const box of document.querySelectorAll(".approval-pick")) box.checked = e.target.checked;
    });
    $("approve-selected").addEventListener("click", () => decide("approve", picked()));
    $("decline-selected").addEventListener("click", () => decide("decline", picked()));
    const reloadList = (move) => loadRegistrations(move).catch((e) => say(T.error + e.message, "error"));
    let searchTimer = 0;
    $("status").addEventListener("change", () => reloadList("first"));
    $("search").addEventListener("input", () => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => reloadList("first"), 250);
    });
    $("page-previous").addEventListener("click", () => reloadList("previous"));
    $("page-next").addEventListener("click", () => reloadList("next"));
    $("export-csv").addEventListener("click", () => download("csv", "utf-8"));
    $("export-cp932").addEventListener("click", () => download("csv", "cp932"));
    $("export-xlsx").addEventListener("click", () => download("xlsx", "utf-8"));
    $("announce-form").addEventListener("submit", announce);
    $("edit-form").addEventListener("submit", saveEdit);
    $("edit-close").addEventListener("click", closeEdit);
    $("edit-dialog").addEventListener("cancel", (e) => { e.preventDefault(); closeEdit(); });
    $("attendance-form").addEventListener("submit", importAttendance);
    $("invitation-form").addEventListener("submit", createInvitation);
    $("invitees-form").addEventListener("submit", importInvitees);
    $("certificates").addEventListener("click", downloadCertificates);
    // Back in a tab that has a token, or a browser that has a session cookie.
    try {
      if (token || (await fetch("/api/v1/admin/session", { credentials: "same-origin" })).ok) {
        await enter();
        return;
      }
    } catch (_) { signedOut(); }
    $("signin").hidden = false;
  });
})();
