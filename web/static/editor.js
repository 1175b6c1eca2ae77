// The organiser's event editor (/admin/editor?event=SLUG edits, /admin/editor creates): the
// whole event document as a form, saved with PUT and If-Match (If-None-Match: * for a new
// one), so two organisers editing at once cannot overwrite each other unseen. Times are typed as
// wall-clock times in the event's zone and sent as RFC 3339 with that zone's offset at that
// instant. Errors go next to their fields and into a summary that takes the focus.
// Signed in like the dashboard: the session cookie plus its CSRF token, or a tab's admin token.
// Everything is built with textContent / createElement: no HTML from data.
"use strict";

(() => {
  const TOKEN_KEY = "regdesk.adminToken";
  const params = new URLSearchParams(location.search);
  const lang = params.get("lang") === "en" ? "en" : "ja";
  document.documentElement.lang = lang;

  // The sign-up fields an event may ask for, in the order the form shows them.
  const FIELDS = ["name", "name_kana", "organization", "department", "category", "phone", "question"];
  // The reminder times offered as checkboxes (any other stored one is kept as an extra box).
  const REMINDERS = ["P7D", "P3D", "P1D", "PT3H", "PT1H", "PT30M"];
  const ZONES = ["Asia/Tokyo", "UTC", "Asia/Seoul", "Asia/Shanghai", "Asia/Taipei", "Asia/Singapore",
                 "Asia/Bangkok", "Asia/Kolkata", "Australia/Sydney", "Europe/London", "Europe/Paris",
                 "Europe/Berlin", "America/New_York", "America/Chicago", "America/Los_Angeles"];
  const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;

  const T = {
    ja: {
      skip: "本文へ移動", dashboard: "主催者ダッシュボード", back: "ダッシュボードへ戻る", loading: "読み込み中…",
      title: "イベントの編集", titleNew: "新しいイベントを作成", titleEdit: (t) => `イベントの編集：${t}`,
      docTitle: (h) => `${h} | 主催者ダッシュボード`, lang: "English",
      who: (n, r) => `サインイン中：${n}（${r}）`, roles: { owner: "所有者", editor: "編集者", viewer: "閲覧者" },
      signInNeeded: "サインインしてください", signInNeededText: "イベントを編集するには、主催者ダッシュボードでサインインしてください。",
      toSignIn: "サインイン画面へ",
      forbidden: "このイベントは編集できません",
      forbiddenText: "あなたのアカウントには、このイベントを編集する権限がありません（閲覧のみの権限か、別のイベントの担当です）。権限が必要な場合は、所有者（管理者）にご相談ください。",
      notFound: "イベントが見つかりません", notFoundText: "指定されたイベントはありません。URL をご確認ください。",
      createInstead: "新しいイベントを作成する", intro: "変更は「保存」を押すまで反映されません。",
      basics: "基本情報", f_slug: "識別名（URL に使う名前）",
      slugHint: "半角英小文字・数字・ハイフン（-）。申込ページの URL（/events/識別名）になります。作成後は変更できません。",
      f_title_ja: "タイトル（日本語）", f_title_en: "タイトル（英語）",
      f_description_ja: "説明（日本語）", f_description_en: "説明（英語）",
      f_venue: "会場", venueOnline: "オンライン（Web会議システム）", venuePlace: "会場で開催する", f_venue_name: "会場名・所在地",
      f_program_url: "プログラム・開催案内の URL", urlHint: "https:// から始まるアドレス。空欄でもかまいません。",
      f_visibility: "公開範囲", visDraft: "下書き", visUnlisted: "限定公開", visPublic: "公開",
      visDraftHint: "参加者には見えず、申し込めません。「プレビュー」で確認できます。",
      visUnlistedHint: "申込ページの URL を知っている人だけが申し込めます。イベント一覧には出ません。",
      visPublicHint: "イベント一覧に表示され、だれでも申し込めます。",
      dates: "開催日時", f_timezone: "タイムゾーン",
      timezoneHint: "日本国内の開催なら Asia/Tokyo（日本時間）のままにします。日時はすべてこのタイムゾーンの時刻で入力します。",
      f_starts_at: "開始日時", f_ends_at: "終了日時",
      series: "日程一覧（複数の日程をまとめる）", f_series: "日程一覧の識別名",
      seriesHint: "同じ識別名を付けたイベントは、日程一覧ページ（/series/識別名）に開始の早い順に並び、それぞれの申込ページへ案内されます。定員と受付は日程ごとです。半角英小文字・数字・ハイフン（-）。空欄ならどの一覧にも入りません。",
      f_series_title_ja: "日程一覧の名前（日本語）", f_series_title_en: "日程一覧の名前（英語）",
      seriesTitleHint: "日程一覧ページの見出しです。一覧のうち最も早い日程で、名前の入っているものが使われます。どれにもなければ、最も早い日程のタイトルです。",
      registration: "申込の受付", f_opens_at: "受付開始日時", f_closes_at: "受付締切日時",
      closesHint: "この時刻になると申込を受け付けなくなります。開催の終了より後にはできません。",
      f_capacity: "定員（名）", counts: (c, w) => `現在の申込：確定 ${c} 名、キャンセル待ち ${w} 名。定員は確定数より少なくできません。`,
      f_waitlist_enabled: "満席のあと、キャンセル待ちを受け付ける", f_waitlist_capacity: "キャンセル待ちの上限（名）",
      waitlistHint: "キャンセルが出ると、登録順に繰り上げてメールでお知らせします。",
      meeting: "Web会議", f_meeting_url: "参加用 URL", meetingUrlHint: "申込の確定した方にだけメールで送ります。",
      f_meeting_passcode: "パスコード（あれば）", f_join_minutes: "入室できるようになる時刻（開始の何分前）", joinHint: "0〜10080 分。",
      mail: "メールの送信時期", f_link_amount: "参加用 URL のメールを送る時期（開始前）", f_link_unit: "単位",
      units: { D: "日前", H: "時間前", M: "分前" }, f_reminders: "リマインダーメール（開始前に送る）",
      before: (d, h, m) => `${d ? `${d}日` : ""}${h ? `${h}時間` : ""}${m ? `${m}分` : ""}${d || h || m ? "" : "0分"}前`,
      fields: "申込フォームで尋ねる項目",
      fieldsHint: "メールアドレスと個人情報の取扱いへの同意は、常に尋ねます（必須）。「必須」は「尋ねる」項目にだけ付けられます。",
      fieldCol: "項目", askCol: "尋ねる", requiredCol: "必須", ask: "尋ねる", required: "必須",
      fieldNames: { name: "氏名", name_kana: "ふりがな", organization: "所属", department: "部署",
                    category: "所属区分", phone: "電話番号", question: "質問・要望", email: "メールアドレス" },
      alwaysAsked: "常に尋ねます（必須）",
      questions: "申込フォームの独自の質問",
      questionsHint: "上の項目のあとに、ここで作った質問を順に尋ねます（30問まで）。",
      questionsRemoveHint: "削除しても、受け付けた回答は残ります（出力には出なくなります）。",
      questionsEmpty: "独自の質問はまだありません。", addQuestion: "質問を追加",
      question: (n) => `質問 ${n}`, option: (n) => `選択肢 ${n}`, within: "・",
      q_id: "質問の識別名",
      q_id_hint: "英小文字で始まる、半角英小文字・数字・アンダースコア（_）の32文字以内。回答の出力（CSV など）で、この質問を表します。",
      q_type: "種類",
      types: { text: "1行の文章", textarea: "複数行の文章", select: "1つ選ぶ（プルダウン）",
               multi: "複数選べる（チェックボックス）", checkbox: "同意・確認（チェック1つ）" },
      q_label_ja: "質問文（日本語）", q_label_en: "質問文（英語）",
      q_help_ja: "説明（日本語・任意）", q_help_en: "説明（英語・任意）", q_help_hint: "質問文の下に表示します。",
      q_required: "必須にする", q_required_hint: "「同意・確認」の質問では、チェックしないと申し込めなくなります。",
      q_max_length: "文字数の上限", q_max_length_hint: "1〜10000。空欄なら、1行の文章は200文字、複数行の文章は2000文字まで。",
      q_options: "選択肢", q_options_hint: "1〜50個。値は回答の出力に入ります（半角英数字がおすすめです）。",
      q_options_empty: "選択肢はまだありません。「選択肢を追加」で追加してください。",
      o_value: "値", o_label_ja: "表示名（日本語）", o_label_en: "表示名（英語）",
      addOption: "選択肢を追加", removeOption: "この選択肢を削除",
      moveUp: "上へ", moveDown: "下へ", removeQuestion: "この質問を削除",
      moved: (q, n) => `${q}を${n}番目に移動しました。`,
      removedQuestion: (q) => `${q}を削除しました（保存するまで反映されません）。`,
      removedOption: (o) => `${o}を削除しました。`,
      questionName: (id, n) => (id ? `質問「${id}」` : `質問 ${n}`),
      f_approval: "申込を主催者が確認してから確定する（承認制）",
      approvalHint: "申込は「承認待ち」になり、ダッシュボードで承認した方から席（満席ならキャンセル待ち）が割り当てられます。",
      f_decline_ja: "見送る方へのメールに載せる文面（日本語）", f_decline_en: "見送る方へのメールに載せる文面（英語）",
      f_invitation: "招待された方のみ（招待コードまたは招待リンクが必要）",
      invitationHint: "招待コードの発行と、招待する方の一覧（CSV）の取り込みはダッシュボードで行います。",
      eligibility: "申し込める人", f_domains: "申込を受け付けるメールアドレスのドメイン（1行に1つ）",
      domainsHint: "例：example.co.jp（@ は付けません。サブドメインも含みます）。空欄ならだれでも申し込めます。",
      contact: "お問い合わせ先（申込ページとメールに載ります）", f_contact_name: "窓口の名前",
      f_contact_email: "メールアドレス", f_contact_phone: "電話番号",
      feeNote: "参加費：無料（有料のイベントには対応していません）。",
      after: "開催後（出席・フォローアップ・参加証明書）", f_follow_up: "終了後にフォローアップメールを送る",
      followUpHint: "出席した方と欠席した方に別々の文面で1回ずつ送ります。出席の記録（参加者レポートの読込み、または参加ボタン）がない間は送りません。",
      f_follow_up_hours: "送る時期（終了の何時間後）", f_survey_url: "アンケートの URL", f_materials_url: "資料の URL",
      f_recording_url: "録画の URL", f_certificate: "参加証明書（PDF）を発行する",
      f_certificate_minutes: "発行に必要な参加時間（分）", f_certificate_issuer: "発行者（空欄ならお問い合わせ先の名前）",
      save: "保存", publish: "公開する", closeNow: "受付を締め切る", preview: "プレビュー", newTab: "（新しいタブで開きます）",
      saving: "保存しています…",
      copyHeading: "複製して新しい下書きを作る", copyText: "このイベントの設定をそのまま写した下書きを作ります。申込は写りません。",
      f_copy_slug: "新しいイベントの識別名", copySlugHint: "例：midnet-symposium-2025（半角英小文字・数字・ハイフン）",
      copy: "複製して新しい下書きを作る",
      states: { draft: "下書き", unlisted: "限定公開", public: "公開中" }, stateLabel: "公開範囲：",
      created: "イベントを作成しました（下書きのうちは参加者に見えません）。", saved: "保存しました。",
      published: "公開しました。申込ページがイベント一覧に表示されます。", closed: "申込の受付を締め切りました。",
      promoted: (n) => `キャンセル待ちから ${n} 名が繰り上がりました。`, reloaded: "最新の内容を読み込みました。",
      alreadyClosed: "申込の受付はすでに締め切られています。",
      notOpenYet: "申込の受付はまだ始まっていません。締め切る代わりに、受付開始日時と締切日時を見直してください。",
      confirmClose: "申込の受付を今すぐ締め切りますか？これ以降、だれも申し込めなくなります。",
      confirmReload: "最新の内容を読み込みます。この画面でまだ保存していない変更は失われます。よろしいですか？",
      summary: (n) => `入力内容を確認してください（${n}件）`, errorPrefix: "エラー：", sep: "：",
      conflict: "ほかの主催者（または別の画面）が、このイベントを先に変更しました。上書きしないよう、保存を取りやめました。",
      conflictHelp: "最新の内容を読み込んでから、もう一度変更してください。",
      reload: "最新を読み込む",
      slugTaken: "この識別名のイベントは既にあります。別の識別名にしてください。",
      belowConfirmed: (n) => `確定済みの申込が ${n} 名あるため、定員を ${n} 名より少なくできません。`,
      forbiddenSave: "この操作の権限がありません。所有者（管理者）にご相談ください。",
      sessionEnded: "サインインの有効期限が切れました。",
      sessionEndedHelp: "別のタブでサインインし直してから、もう一度保存してください（この画面の入力内容はそのまま残ります）。",
      signInNewTab: "サインイン画面を新しいタブで開く",
      unavailable: "一時的に保存できません。少し待ってから、もう一度保存してください。",
      network: "サーバーに接続できませんでした。通信状態を確認して、もう一度お試しください。",
      failed: (s) => `保存できませんでした（${s}）。`,
      copied: "複製しました。", copyFailed: (s) => `複製できませんでした（${s}）。`,
      // Messages for problems found here, before anything is sent.
      m: {
        required: "入力してください。", slug: "半角英小文字・数字・ハイフン（-）の64文字以内で、英小文字か数字で始めてください。",
        title: "日本語か英語のどちらかのタイトルを入力してください。", datetime: "日付と時刻を入力してください。",
        zone: "タイムゾーン名が正しくありません（例：Asia/Tokyo）。", integer: "0以上の整数で入力してください。",
        join: "0〜10080 の整数で入力してください。", email: "メールアドレスの形式が正しくありません（例：info@example.jp）。",
        url: "http:// か https:// から始まるアドレスを入力してください。",
        endsAfter: "開始日時より後にしてください。", closesAfter: "受付開始日時より後にしてください。",
        closesBeforeEnd: "開催の終了日時より後にはできません。", venue: "会場名・所在地を入力してください。",
        questionId: "英小文字で始まる、半角英小文字・数字・アンダースコア（_）の32文字以内にしてください。",
        questionIdTaken: "ほかの質問と同じ識別名です。別の識別名にしてください。",
        questionLabel: "日本語か英語のどちらかの質問文を入力してください。",
        optionsNeeded: "この種類の質問には、選択肢を1つ以上追加してください。",
        optionsNone: "この種類の質問には選択肢を付けられません。", optionsMax: "選択肢は50個までです。",
        optionValueLong: "値は、半角なら64文字、全角なら21文字までで入力してください。",
        optionValueTaken: "ほかの選択肢と同じ値です。別の値にしてください。",
        optionLabel: "日本語か英語のどちらかの表示名を入力してください。",
        maxLength: "1〜10000 の整数で入力してください。", questionsMax: "質問は30問までです。",
      },
    },
    en: {
      skip: "Skip to content", dashboard: "Organiser dashboard", back: "Back to the dashboard", loading: "Loading…",
      title: "Edit event", titleNew: "Create a new event", titleEdit: (t) => `Edit event: ${t}`,
      docTitle: (h) => `${h} | Organiser dashboard`, lang: "日本語",
      who: (n, r) => `Signed in as ${n} (${r})`, roles: { owner: "Owner", editor: "Editor", viewer: "Viewer" },
      signInNeeded: "Please sign in", signInNeededText: "Sign in on the organiser dashboard to edit events.",
      toSignIn: "Go to sign-in",
      forbidden: "You cannot edit this event",
      forbiddenText: "Your account may not edit this event (it can only view, or it looks after other events). Ask an owner if you need the right.",
      notFound: "Event not found", notFoundText: "There is no such event. Check the address.",
      createInstead: "Create a new event", intro: "Nothing changes until you press Save.",
      basics: "Basics", f_slug: "Short name (used in the address)",
      slugHint: "Lower-case letters, digits and hyphens (-). It becomes the sign-up page's address (/events/short-name). It cannot be changed later.",
      f_title_ja: "Title (Japanese)", f_title_en: "Title (English)",
      f_description_ja: "Description (Japanese)", f_description_en: "Description (English)",
      f_venue: "Venue", venueOnline: "Online (web conference)", venuePlace: "At a venue", f_venue_name: "Venue name and address",
      f_program_url: "Programme page address (URL)", urlHint: "An address starting with https://. May be left empty.",
      f_visibility: "Visibility", visDraft: "Draft", visUnlisted: "Unlisted", visPublic: "Public",
      visDraftHint: "Participants cannot see it or sign up. Use Preview to check it.",
      visUnlistedHint: "Only people who have the sign-up page's address can sign up. Not in the event list.",
      visPublicHint: "Shown in the event list; anyone can sign up.",
      dates: "Date and time", f_timezone: "Time zone",
      timezoneHint: "Keep Asia/Tokyo (Japan time) for events in Japan. All times are entered in this time zone.",
      f_starts_at: "Starts", f_ends_at: "Ends",
      series: "List of dates (several dates together)", f_series: "Short name of the list of dates",
      seriesHint: "Events given the same short name are listed on one page (/series/short-name), earliest first, each leading to its own sign-up page. Each date keeps its own capacity and registration. Lower-case letters, digits and hyphens (-). Leave empty for none.",
      f_series_title_ja: "Name of the list of dates (Japanese)", f_series_title_en: "Name of the list of dates (English)",
      seriesTitleHint: "The heading of the list page. The earliest date that has a name gives it; if none has, the earliest date's title is used.",
      registration: "Registration", f_opens_at: "Registration opens", f_closes_at: "Registration closes",
      closesHint: "From this time on, no more sign-ups are taken. It cannot be after the event ends.",
      f_capacity: "Capacity (people)", counts: (c, w) => `Now: ${c} confirmed, ${w} on the waitlist. The capacity cannot be below the confirmed number.`,
      f_waitlist_enabled: "When full, take sign-ups for a waitlist", f_waitlist_capacity: "Waitlist size (people)",
      waitlistHint: "When someone cancels, the next on the waitlist moves up and is told by e-mail.",
      meeting: "Web conference", f_meeting_url: "Join address (URL)", meetingUrlHint: "Only mailed to confirmed participants.",
      f_meeting_passcode: "Passcode (if any)", f_join_minutes: "Room opens (minutes before the start)", joinHint: "0 to 10080 minutes.",
      mail: "When mail is sent", f_link_amount: "Send the join link (before the start)", f_link_unit: "Unit",
      units: { D: "days before", H: "hours before", M: "minutes before" }, f_reminders: "Reminders (sent before the start)",
      before: (d, h, m) => `${[d ? `${d} day${d > 1 ? "s" : ""}` : "", h ? `${h} hour${h > 1 ? "s" : ""}` : "",
                              m ? `${m} minute${m > 1 ? "s" : ""}` : ""].filter(Boolean).join(" ") || "0 minutes"} before`,
      fields: "What the sign-up form asks",
      fieldsHint: "The e-mail address and the privacy consent are always asked (required). Only asked items can be required.",
      fieldCol: "Item", askCol: "Ask", requiredCol: "Required", ask: "Ask", required: "Required",
      fieldNames: { name: "Name", name_kana: "Name reading (furigana)", organization: "Organisation",
                    department: "Department", category: "Category", phone: "Phone",
                    question: "Questions and requests", email: "E-mail address" },
      alwaysAsked: "Always asked (required)",
      questions: "Your own questions",
      questionsHint: "Asked in this order after the items above (up to 30 questions).",
      questionsRemoveHint: "Answers already received are kept when a question is removed (they no longer appear in exports).",
      questionsEmpty: "No questions of your own yet.", addQuestion: "Add a question",
      question: (n) => `Question ${n}`, option: (n) => `Option ${n}`, within: ", ",
      q_id: "Question short name",
      q_id_hint: "Up to 32 lower-case letters, digits and underscores (_), starting with a letter. It names the question in exports (CSV and others).",
      q_type: "Type",
      types: { text: "One line of text", textarea: "Several lines of text", select: "Choose one (drop-down list)",
               multi: "Choose any (checkboxes)", checkbox: "Agreement (one checkbox)" },
      q_label_ja: "Question (Japanese)", q_label_en: "Question (English)",
      q_help_ja: "Explanation (Japanese, optional)", q_help_en: "Explanation (English, optional)",
      q_help_hint: "Shown under the question.",
      q_required: "Required", q_required_hint: "For an agreement, people cannot sign up without ticking it.",
      q_max_length: "Longest answer (characters)", q_max_length_hint: "1 to 10000. Empty: 200 for one line, 2000 for several lines.",
      q_options: "Options", q_options_hint: "1 to 50. The value goes into exports (letters and digits are best).",
      q_options_empty: "No options yet: add them with the button below.",
      o_value: "Value", o_label_ja: "Label (Japanese)", o_label_en: "Label (English)",
      addOption: "Add an option", removeOption: "Remove this option",
      moveUp: "Move up", moveDown: "Move down", removeQuestion: "Remove this question",
      moved: (q, n) => `${q} moved to place ${n}.`,
      removedQuestion: (q) => `${q} removed (nothing changes until you save).`,
      removedOption: (o) => `${o} removed.`,
      questionName: (id, n) => (id ? `Question "${id}"` : `Question ${n}`),
      f_approval: "The organiser confirms each sign-up (approval)",
      approvalHint: "Sign-ups wait as \"awaiting approval\"; those approved in the dashboard get a seat (or the waitlist when full).",
      f_decline_ja: "Words for those declined (Japanese)", f_decline_en: "Words for those declined (English)",
      f_invitation: "Invited people only (an invitation code or link is needed)",
      invitationHint: "Codes are made, and lists of people to invite (CSV) imported, in the dashboard.",
      eligibility: "Who may sign up", f_domains: "E-mail domains that may sign up (one per line)",
      domainsHint: "For example example.co.jp (no @; subdomains count too). Empty: anyone may sign up.",
      contact: "Contact (shown on the sign-up page and in mail)", f_contact_name: "Contact name",
      f_contact_email: "E-mail address", f_contact_phone: "Phone",
      feeNote: "Fee: free (paid events are not supported).",
      after: "After the event (attendance, follow-up, certificates)", f_follow_up: "Send a follow-up mail after the end",
      followUpHint: "One text for those who attended and one for those who did not, once each. Nothing is sent while there is no record of attendance (an imported report, or the join button).",
      f_follow_up_hours: "When (hours after the end)", f_survey_url: "Survey URL", f_materials_url: "Materials URL",
      f_recording_url: "Recording URL", f_certificate: "Issue certificates of attendance (PDF)",
      f_certificate_minutes: "Minutes of attendance needed", f_certificate_issuer: "Issuer (empty: the contact's name)",
      save: "Save", publish: "Publish", closeNow: "Close registration now", preview: "Preview", newTab: " (opens in a new tab)",
      saving: "Saving…",
      copyHeading: "Copy as a new draft", copyText: "Makes a draft with all of this event's settings. Registrations are not copied.",
      f_copy_slug: "Short name of the new event", copySlugHint: "For example midnet-symposium-2025 (lower-case letters, digits, hyphens)",
      copy: "Copy as a new draft",
      states: { draft: "Draft", unlisted: "Unlisted", public: "Public" }, stateLabel: "Visibility: ",
      created: "The event was created (participants cannot see it while it is a draft).", saved: "Saved.",
      published: "Published: the sign-up page is in the event list.", closed: "Registration is closed.",
      promoted: (n) => `${n} people moved up from the waitlist.`, reloaded: "The latest version was loaded.",
      alreadyClosed: "Registration is closed already.",
      notOpenYet: "Registration has not opened yet. Instead of closing it, change when it opens and closes.",
      confirmClose: "Close registration now? Nobody can sign up after this.",
      confirmReload: "Load the latest version? Changes you have not saved on this page are lost.",
      summary: (n) => `Please check ${n} item${n > 1 ? "s" : ""}`, errorPrefix: "Error: ", sep: ": ",
      conflict: "Another organiser (or another window) changed this event first. Your save was stopped so as not to overwrite it.",
      conflictHelp: "Load the latest version, then make your change again.",
      reload: "Load the latest version",
      slugTaken: "An event with this short name exists already. Choose another.",
      belowConfirmed: (n) => `${n} registrations are confirmed: the capacity cannot be below ${n}.`,
      forbiddenSave: "You may not do this. Ask an owner.",
      sessionEnded: "Your session has ended.",
      sessionEndedHelp: "Sign in again in another tab, then save again (what you typed here stays).",
      signInNewTab: "Open sign-in in a new tab",
      unavailable: "Saving is not possible right now. Wait a moment and save again.",
      network: "The server could not be reached. Check the connection and try again.",
      failed: (s) => `Not saved (${s}).`,
      copied: "Copied.", copyFailed: (s) => `Not copied (${s}).`,
      m: {
        required: "This is required.", slug: "Use up to 64 lower-case letters, digits and hyphens, starting with a letter or digit.",
        title: "Enter a title in Japanese or English.", datetime: "Enter a date and a time.",
        zone: "Not a known time zone (for example Asia/Tokyo).", integer: "Enter a whole number, 0 or more.",
        join: "Enter a whole number from 0 to 10080.", email: "Not an e-mail address (for example info@example.jp).",
        url: "Enter an address starting with http:// or https://.",
        endsAfter: "Must be after the start.", closesAfter: "Must be after registration opens.",
        closesBeforeEnd: "Cannot be after the event ends.", venue: "Enter the venue name and address.",
        questionId: "Use up to 32 lower-case letters, digits and underscores (_), starting with a letter.",
        questionIdTaken: "Another question has this short name. Choose another.",
        questionLabel: "Enter the question in Japanese or English.",
        optionsNeeded: "A question of this type needs at least one option.",
        optionsNone: "A question of this type has no options.", optionsMax: "At most 50 options.",
        optionValueLong: "Use at most 64 characters (21 for Japanese characters).",
        optionValueTaken: "Another option has this value. Choose another.",
        optionLabel: "Enter the label in Japanese or English.",
        maxLength: "Enter a whole number from 1 to 10000.", questionsMax: "At most 30 questions.",
      },
    },
  }[lang];

  // The server's messages (English) in the page's language, by message text.
  const SERVER_MESSAGES = {
    "must be 1-64 lower-case letters, digits or '-'": "slug",
    "needs at least one of ja, en": "title",
    "unknown IANA time zone": "zone",
    "must be after starts_at": "endsAfter",
    "must be 0 or more": "integer",
    "must be after registration.opens_at": "closesAfter",
    "must not be after ends_at": "closesBeforeEnd",
    "must be 0 to 10080": "join",
    required: "required",
    "must be an integer": "integer",
    "must be an RFC 3339 instant with offset, e.g. 2024-02-28T14:00:00+09:00": "datetime",
    "must be 1-32 lower-case letters, digits or '_', starting with a letter": "questionId",
    "is used by another question": "questionIdTaken",
    "a select or multi question needs options": "optionsNeeded",
    "only select and multi questions have options": "optionsNone",
    "at most 50 options": "optionsMax",
    "must be 1-64 characters": "optionValueLong",
    "is used by another option": "optionValueTaken",
    "must be at most 10000": "maxLength",
    "at most 30 questions": "questionsMax",
  };
  const SERVER_MESSAGES_JA = {
    "paid events are not supported; must be 0": "有料のイベントには対応していません（参加費は 0 円のみ）。",
    "entries are domains like example.co.jp": "「example.co.jp」のようなドメイン名を 1 行に 1 つ入力してください（@ は付けません）。",
    "must be like P1D or PT1H": "送信時期の形式が正しくありません。",
    "must be an ISO 8601 duration such as P2D or PT1H": "送信時期の形式が正しくありません。",
    "is out of range": "値が大きすぎます。",
    "must match the slug in the path": "識別名が URL と一致しません。",
  };

  // Document keys (as the server names them in errors) → the control they are about, and the
  // label the summary shows. Groups (radios, checkbox lists) point at their fieldset.
  const TARGETS = {
    slug: ["slug", "f_slug"], title: ["title-ja", "f_title_ja"], "title.ja": ["title-ja", "f_title_ja"],
    "title.en": ["title-en", "f_title_en"], description: ["description-ja", "f_description_ja"],
    "description.ja": ["description-ja", "f_description_ja"], "description.en": ["description-en", "f_description_en"],
    starts_at: ["starts-at", "f_starts_at"], ends_at: ["ends-at", "f_ends_at"], timezone: ["timezone", "f_timezone"],
    venue: ["venue-group", "f_venue"], capacity: ["capacity", "f_capacity"], program_url: ["program-url", "f_program_url"],
    registration: ["opens-at", "f_opens_at"],
    "registration.opens_at": ["opens-at", "f_opens_at"], "registration.closes_at": ["closes-at", "f_closes_at"],
    waitlist: ["waitlist-enabled", "f_waitlist_enabled"],
    "waitlist.enabled": ["waitlist-enabled", "f_waitlist_enabled"], "waitlist.capacity": ["waitlist-capacity", "f_waitlist_capacity"],
    meeting: ["meeting-url", "f_meeting_url"],
    "meeting.url": ["meeting-url", "f_meeting_url"], "meeting.passcode": ["meeting-passcode", "f_meeting_passcode"],
    "meeting.join_opens_minutes_before": ["join-minutes", "f_join_minutes"],
    mail: ["link-amount", "f_link_amount"],
    "mail.meeting_link_before": ["link-amount", "f_link_amount"], "mail.reminders_before": ["reminders-group", "f_reminders"],
    eligibility: ["domains", "f_domains"], "eligibility.email_domains": ["domains", "f_domains"],
    "eligibility.invitation_required": ["invitation-required", "f_invitation"],
    "registration.approval": ["approval-required", "f_approval"],
    "registration.decline_message": ["decline-message-ja", "f_decline_ja"],
    contact: ["contact-name", "f_contact_name"],
    "contact.name": ["contact-name", "f_contact_name"], "contact.email": ["contact-email", "f_contact_email"],
    "contact.phone": ["contact-phone", "f_contact_phone"], fields: ["fields-group", "fields"],
    follow_up: ["follow-up-enabled", "f_follow_up"], "follow_up.after": ["follow-up-hours", "f_follow_up_hours"],
    "follow_up.survey_url": ["survey-url", "f_survey_url"], "follow_up.materials_url": ["materials-url", "f_materials_url"],
    "follow_up.recording_url": ["recording-url", "f_recording_url"], certificate: ["certificate-enabled", "f_certificate"],
    "certificate.min_minutes": ["certificate-minutes", "f_certificate_minutes"],
    visibility: ["visibility-group", "f_visibility"], questions: ["questions-group", "questions"],
    series: ["series", "f_series"], series_title: ["series-title-ja", "f_series_title_ja"],
    "series_title.ja": ["series-title-ja", "f_series_title_ja"], "series_title.en": ["series-title-en", "f_series_title_en"],
    fee: [null, "feeNote"], "": [null, "basics"],
  };
  // Within one question (questions[i]...): the key's rest → the suffix of its control's id
  // (q-i-SUFFIX) and the label the summary shows. Options (options[k]...) are read apart.
  const QUESTION_PARTS = {
    ".id": ["id", "q_id"], ".type": ["type", "q_type"], ".label": ["label-ja", "q_label_ja"],
    ".label.ja": ["label-ja", "q_label_ja"], ".label.en": ["label-en", "q_label_en"],
    ".help": ["help-ja", "q_help_ja"], ".help.ja": ["help-ja", "q_help_ja"], ".help.en": ["help-en", "q_help_en"],
    ".required": ["required", "q_required"], ".max_length": ["max-length", "q_max_length"],
    ".options": ["options", "q_options"],
  };
  const OPTION_PARTS = {
    ".value": ["value", "o_value"], ".label": ["label-ja", "o_label_ja"], ".label.ja": ["label-ja", "o_label_ja"],
    ".label.en": ["label-en", "o_label_en"],
  };

  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  };
  const withLang = (path) => (lang === "en" ? `${path}${path.includes("?") ? "&" : "?"}lang=en` : path);

  let token = sessionStorage.getItem(TOKEN_KEY) || "";
  let csrf = "";
  const state = {
    creating: true,   // no stored event yet: PUT with If-None-Match: *
    doc: null,        // the document as last read or saved (without counts)
    etag: "",
    counts: null,     // {confirmed, waitlisted}
    busy: false,
  };

  // ---------------------------------------------------------------- time zones

  const formatters = new Map();
  function zoneFormatter(zone) {
    if (!formatters.has(zone)) {
      formatters.set(zone, new Intl.DateTimeFormat("en-US", {
        timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", second: "2-digit",
      }));
    }
    return formatters.get(zone);
  }

  function knownZone(zone) {
    if (!zone || !/^[A-Za-z0-9_+\-/]+$/.test(zone)) return false;
    try {
      zoneFormatter(zone);
      return true;
    } catch (_) {
      return false;
    }
  }

  // The wall clock in ZONE at the instant MS (milliseconds since the epoch).
  function wallClock(ms, zone) {
    const p = {};
    for (const { type, value } of zoneFormatter(zone).formatToParts(new Date(ms))) p[type] = value;
    return { y: +p.year, mo: +p.month, d: +p.day, h: +p.hour % 24, mi: +p.minute, s: +p.second };
  }

  // The zone's offset from UTC at that instant, in minutes (+540 for Japan).
  function offsetMinutes(ms, zone) {
    const w = wallClock(ms, zone);
    const whole = Math.floor(ms / 1000) * 1000;
    return Math.round((Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - whole) / 60000);
  }

  const pad = (n, width = 2) => String(n).padStart(width, "0");

  function offsetText(minutes) {
    const sign = minutes < 0 ? "-" : "+";
    const a = Math.abs(minutes);
    return `${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
  }

  // "2024-02-28T14:00" (a datetime-local value) read in ZONE → the instant, or null. As clocks
  // read it: a time that occurs twice (clocks go back) is the earlier one; a time that a change
  // skips (clocks go forward) is read with the offset from before, so it lands after the gap.
  function localToInstant(value, zone) {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value || "");
    if (!m || !knownZone(zone)) return null;
    const want = { y: +m[1], mo: +m[2], d: +m[3], h: +m[4], mi: +m[5], s: +(m[6] || 0) };
    const guess = Date.UTC(want.y, want.mo - 1, want.d, want.h, want.mi, want.s);
    const day = 86400000;
    const before = guess - offsetMinutes(guess - day, zone) * 60000;
    const after = guess - offsetMinutes(guess + day, zone) * 60000;
    const reads = (t) => {
      const w = wallClock(t, zone);
      return w.y === want.y && w.mo === want.mo && w.d === want.d && w.h === want.h && w.mi === want.mi && w.s === want.s;
    };
    const fits = [before, after].filter(reads);
    return fits.length ? Math.min(...fits) : before;
  }

  // The instant as RFC 3339 in ZONE: "2024-02-28T14:00:00+09:00".
  function rfc3339(ms, zone) {
    const w = wallClock(ms, zone);
    return `${pad(w.y, 4)}-${pad(w.mo)}-${pad(w.d)}T${pad(w.h)}:${pad(w.mi)}:${pad(w.s)}${offsetText(offsetMinutes(ms, zone))}`;
  }

  // An RFC 3339 string → a datetime-local value showing ZONE's wall clock ("" if unreadable).
  function instantToLocal(iso, zone) {
    const ms = Date.parse(iso || "");
    if (Number.isNaN(ms) || !knownZone(zone)) return "";
    const w = wallClock(ms, zone);
    return `${pad(w.y, 4)}-${pad(w.mo)}-${pad(w.d)}T${pad(w.h)}:${pad(w.mi)}${w.s ? `:${pad(w.s)}` : ""}`;
  }

  function zoneLabel(zone) {
    if (zone === "Asia/Tokyo") return lang === "ja" ? "日本時間" : "Japan time";
    return zone;
  }

  const DATE_INPUTS = ["starts-at", "ends-at", "opens-at", "closes-at"];

  // Next to each time: the zone it is read in, with the offset at that very instant (a DST
  // zone shows +00:00 in January and +01:00 in July).
  function updateZoneNotes() {
    const zone = $("timezone").value.trim();
    for (const id of DATE_INPUTS) {
      const note = $(`${id}-zone`);
      if (!knownZone(zone)) {
        note.textContent = "";
        continue;
      }
      const at = localToInstant($(id).value, zone);
      if (at === null) {
        note.textContent = zoneLabel(zone);
        continue;
      }
      const offset = `UTC${offsetText(offsetMinutes(at, zone))}`;
      note.textContent = lang === "ja" ? `${zoneLabel(zone)}（${offset}）` : `${zoneLabel(zone)} (${offset})`;
    }
  }

  // ---------------------------------------------------------------- durations

  function durationSeconds(text) {
    const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text || "");
    if (!m || text === "P" || text.endsWith("T")) return null;
    return (+(m[1] || 0)) * 604800 + (+(m[2] || 0)) * 86400 + (+(m[3] || 0)) * 3600 + (+(m[4] || 0)) * 60 + (+(m[5] || 0));
  }

  function beforeText(seconds) {
    const d = Math.floor(seconds / 86400), h = Math.floor((seconds % 86400) / 3600), m = Math.floor((seconds % 3600) / 60);
    return T.before(d, h, m);
  }

  // ---------------------------------------------------------------- the API

  function headersFor(method, extra) {
    const headers = { Accept: "application/json", "Accept-Language": lang, ...extra };
    if (token) headers.Authorization = `Bearer ${token}`;
    else if (csrf && method !== "GET") headers["X-CSRF-Token"] = csrf;
    return headers;
  }

  async function refreshSession() {
    const res = await fetch("/api/v1/admin/session", { headers: headersFor("GET", {}), credentials: "same-origin", cache: "no-store" });
    if (!res.ok) return null;
    const who = await res.json();
    if (who.csrf_token) csrf = who.csrf_token;
    return who;
  }

  // One request; answers {res, data}. A session signed in again in another tab has a new CSRF
  // token: a change refused for it is sent once more with the new one.
  async function api(method, path, body, extra = {}) {
    const send = () => {
      const headers = headersFor(method, extra);
      if (body !== undefined) headers["Content-Type"] = "application/json";
      return fetch(path, { method, headers, credentials: "same-origin", cache: "no-store",
                           body: body === undefined ? undefined : JSON.stringify(body) });
    };
    let res = await send();
    let data = await res.clone().json().catch(() => null);
    if (!token && method !== "GET" && (res.status === 401 || (res.status === 403 && data?.code === "csrf_failed"))) {
      if (await refreshSession().catch(() => null)) {
        res = await send();
        data = await res.clone().json().catch(() => null);
      }
    }
    return { res, data };
  }

  // ---------------------------------------------------------------- the form: building

  function buildControls() {
    $("zones").replaceChildren(...ZONES.map((z) => el("option", { value: z })));
    $("link-unit").replaceChildren(...["D", "H", "M"].map((u) => el("option", { value: u, text: T.units[u] })));
    $("ask-rows").replaceChildren(
      el("tr", {}, el("th", { scope: "row", text: T.fieldNames.email }),
        el("td", { colspan: "2", class: "always", text: T.alwaysAsked })),
      ...FIELDS.map((f) => el("tr", { "data-field": f },
        el("th", { scope: "row", id: `row-${f}`, text: T.fieldNames[f] }),
        el("td", {}, checkboxCell(`ask-${f}`, T.ask, T.fieldNames[f])),
        el("td", {}, checkboxCell(`req-${f}`, T.required, T.fieldNames[f])))));
    for (const f of FIELDS) $(`ask-${f}`).addEventListener("change", () => syncRequired(f));
    setReminders([]);
  }

  // A checkbox whose visible label is the column's word; its name also says which item.
  function checkboxCell(id, word, item) {
    return el("div", { class: "checkbox" }, el("input", { type: "checkbox", id }),
      el("label", { for: id }, el("span", { class: "visually-hidden", text: `${item}${T.sep}` }), word));
  }

  function syncRequired(f) {
    const ask = $(`ask-${f}`), req = $(`req-${f}`);
    if (!ask.checked) req.checked = false;
    req.disabled = !ask.checked;
  }

  function setReminders(values) {
    const seconds = values.map(durationSeconds).filter((s) => s !== null);
    const offered = REMINDERS.map(durationSeconds);
    const extras = [...new Set(seconds.filter((s) => !offered.includes(s)))].sort((a, b) => b - a);
    const boxes = [...REMINDERS.map((r, i) => ({ seconds: offered[i], id: `reminder-${r}` })),
                   ...extras.map((s, i) => ({ seconds: s, id: `reminder-extra-${i}` }))];
    $("reminders").replaceChildren(...boxes.map((b) => el("div", { class: "checkbox" },
      el("input", { type: "checkbox", id: b.id, value: String(b.seconds), checked: seconds.includes(b.seconds) ? "" : null }),
      el("label", { for: b.id, text: beforeText(b.seconds) }))));
  }

  function reminderValues() {
    return [...$("reminders").querySelectorAll("input:checked")]
      .map((c) => Number(c.value)).sort((a, b) => b - a).map(isoDuration);
  }

  // Seconds → "P1D", "PT1H", "P1DT12H" (the form the server writes them in).
  function isoDuration(seconds) {
    const d = Math.floor(seconds / 86400), h = Math.floor((seconds % 86400) / 3600);
    const m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    const date = d ? `${d}D` : "";
    const time = `${h ? `${h}H` : ""}${m ? `${m}M` : ""}${s ? `${s}S` : ""}`;
    if (!date && !time) return "PT0S";
    return `P${date}${time ? `T${time}` : ""}`;
  }

  // ---------------------------------------------------------------- the event's own questions

  // The server's rules (domain/event.cpp), checked here too so errors show before a save.
  const QUESTION_TYPES = ["text", "textarea", "select", "multi", "checkbox"];
  const QUESTION_ID = /^[a-z][a-z0-9_]{0,31}$/;
  const MAX_QUESTIONS = 30, MAX_OPTIONS = 50, MAX_ANSWER_LENGTH = 10000, MAX_VALUE_BYTES = 64;
  const hasOptions = (type) => type === "select" || type === "multi";
  const hasLength = (type) => type === "text" || type === "textarea";
  const utf8Length = (text) => new TextEncoder().encode(text).length;

  // A question as the blocks hold it: every text as typed, max_length a string.
  function rawQuestion(q) {
    const words = (t) => ({ ja: t?.ja || "", en: t?.en || "" });
    return {
      id: q.id || "", type: QUESTION_TYPES.includes(q.type) ? q.type : "text",
      label: words(q.label), help: words(q.help), required: !!q.required,
      max_length: q.max_length ? String(q.max_length) : "",
      options: (q.options || []).map((o) => ({ value: o.value || "", label: words(o.label) })),
    };
  }

  // The blocks, read back in their order. Ids follow the position (q-0-id, q-0-opt-1-value),
  // as the server's keys do (questions[0].options[1].value): every change of order or number
  // reads the blocks, changes the list and draws them again.
  function readQuestionBlocks() {
    return [...$("questions").children].map((_, i) => {
      const v = (suffix) => $(`q-${i}-${suffix}`).value;
      const rows = $(`q-${i}-option-rows`).children.length;
      return {
        id: v("id"), type: v("type"), label: { ja: v("label-ja"), en: v("label-en") },
        help: { ja: v("help-ja"), en: v("help-en") }, required: $(`q-${i}-required`).checked,
        max_length: v("max-length"),
        options: Array.from({ length: rows }, (_, k) => ({
          value: v(`opt-${k}-value`), label: { ja: v(`opt-${k}-label-ja`), en: v(`opt-${k}-label-en`) },
        })),
      };
    });
  }

  function renderQuestions(list) {
    $("questions").replaceChildren(...list.map((q, i) => questionBlock(q, i, list.length)));
    $("questions-empty").hidden = list.length > 0;
    $("add-question").disabled = list.length >= MAX_QUESTIONS;
  }

  // Words only a screen reader needs to tell one question's buttons from another's.
  const spoken = (text) => el("span", { class: "visually-hidden", text: `${text}${T.sep}` });

  function textField(id, label, value, { hint = null, ...attrs } = {}) {
    return el("div", { class: "field" },
      el("label", { for: id, text: label }),
      hint ? el("p", { class: "hint", id: `${id}-hint`, text: hint }) : null,
      el("input", { type: "text", id, value, "aria-describedby": hint ? `${id}-hint` : null, ...attrs }));
  }

  function questionBlock(q, i, count) {
    const p = `q-${i}`;
    const name = T.question(i + 1);
    const type = el("select", { id: `${p}-type`, onchange: () => syncQuestionType(i) },
      ...QUESTION_TYPES.map((t) => el("option", { value: t, text: T.types[t] })));
    type.value = q.type;
    const length = el("div", { class: "field", id: `${p}-max-length-field`, hidden: !hasLength(q.type) },
      el("label", { for: `${p}-max-length`, text: T.q_max_length }),
      el("p", { class: "hint", id: `${p}-max-length-hint`, text: T.q_max_length_hint }),
      el("input", { type: "number", id: `${p}-max-length`, min: "1", max: String(MAX_ANSWER_LENGTH), step: "1",
                    inputmode: "numeric", value: q.max_length, "aria-describedby": `${p}-max-length-hint` }));
    const options = el("fieldset", { id: `${p}-options`, class: "question-options", hidden: !hasOptions(q.type) },
      el("legend", { text: T.q_options }),
      el("p", { class: "hint", id: `${p}-options-hint`, text: T.q_options_hint }),
      el("p", { class: "note", id: `${p}-options-empty`, text: T.q_options_empty, hidden: q.options.length > 0 }),
      el("div", { id: `${p}-option-rows` }, ...q.options.map((o, k) => optionRow(i, k, o))),
      el("p", { class: "option-add" },
        el("button", { type: "button", id: `${p}-add-option`, class: "button-secondary small",
                       disabled: q.options.length >= MAX_OPTIONS, onclick: () => addOption(i) },
          spoken(name), T.addOption)));
    return el("fieldset", { id: p, class: "question" },
      el("legend", { text: name }),
      textField(`${p}-id`, T.q_id, q.id, { hint: T.q_id_hint, maxlength: "32", autocomplete: "off",
                                           spellcheck: "false", autocapitalize: "off" }),
      el("div", { class: "field" }, el("label", { for: `${p}-type`, text: T.q_type }), type),
      textField(`${p}-label-ja`, T.q_label_ja, q.label.ja),
      textField(`${p}-label-en`, T.q_label_en, q.label.en, { lang: "en" }),
      textField(`${p}-help-ja`, T.q_help_ja, q.help.ja, { hint: T.q_help_hint }),
      textField(`${p}-help-en`, T.q_help_en, q.help.en, { lang: "en" }),
      el("div", { class: "field" },
        el("div", { class: "checkbox" },
          el("input", { type: "checkbox", id: `${p}-required`, checked: q.required, "aria-describedby": `${p}-required-hint` }),
          el("label", { for: `${p}-required`, text: T.q_required })),
        el("p", { class: "hint choice-hint", id: `${p}-required-hint`, text: T.q_required_hint })),
      length,
      options,
      el("div", { class: "question-actions" },
        el("button", { type: "button", id: `${p}-up`, class: "button-secondary small", disabled: i === 0,
                       onclick: () => moveQuestion(i, -1) }, spoken(name), T.moveUp),
        el("button", { type: "button", id: `${p}-down`, class: "button-secondary small", disabled: i === count - 1,
                       onclick: () => moveQuestion(i, 1) }, spoken(name), T.moveDown),
        el("button", { type: "button", id: `${p}-remove`, class: "button-secondary danger-outline small",
                       "aria-describedby": "questions-remove-hint", onclick: () => removeQuestion(i) },
          spoken(name), T.removeQuestion)));
  }

  function optionRow(i, k, o) {
    const r = `q-${i}-opt-${k}`;
    const name = `${T.question(i + 1)}${T.within}${T.option(k + 1)}`;
    return el("fieldset", { id: r, class: "option-row" },
      el("legend", { text: T.option(k + 1) }),
      el("div", { class: "option-fields" },
        textField(`${r}-value`, T.o_value, o.value, { maxlength: String(MAX_VALUE_BYTES), autocomplete: "off",
                                                      spellcheck: "false", autocapitalize: "off" }),
        textField(`${r}-label-ja`, T.o_label_ja, o.label.ja),
        textField(`${r}-label-en`, T.o_label_en, o.label.en, { lang: "en" })),
      el("p", { class: "option-remove" },
        el("button", { type: "button", id: `${r}-remove`, class: "button-secondary danger-outline small",
                       onclick: () => removeOption(i, k) }, spoken(name), T.removeOption)));
  }

  // The type decides what the block shows; hidden options are kept (a type changed back
  // finds them again) but not saved.
  function syncQuestionType(i) {
    const type = $(`q-${i}-type`).value;
    $(`q-${i}-options`).hidden = !hasOptions(type);
    $(`q-${i}-max-length-field`).hidden = !hasLength(type);
  }

  function announce(text) {
    $("questions-status").textContent = text;
  }

  // A new question's short name: q1, q2, ... after its place, one no other question has.
  function suggestedId(list) {
    const used = new Set(list.map((q) => q.id.trim()));
    let n = list.length + 1;
    while (used.has(`q${n}`)) n++;
    return `q${n}`;
  }

  function addQuestion() {
    const list = readQuestionBlocks();
    if (list.length >= MAX_QUESTIONS) return;
    list.push(rawQuestion({ id: suggestedId(list), type: "text" }));
    renderQuestions(list);
    const input = $(`q-${list.length - 1}-id`);
    input.focus();
    input.select();
  }

  // The focus stays on the button pressed, in the question's new place (on the other one when
  // that end is reached).
  function moveQuestion(i, step) {
    const list = readQuestionBlocks();
    const j = i + step;
    if (j < 0 || j >= list.length) return;
    [list[i], list[j]] = [list[j], list[i]];
    renderQuestions(list);
    const [same, other] = step < 0 ? ["up", "down"] : ["down", "up"];
    ($(`q-${j}-${same}`).disabled ? $(`q-${j}-${other}`) : $(`q-${j}-${same}`)).focus();
    announce(T.moved(T.questionName(list[j].id.trim(), j + 1), j + 1));
  }

  function removeQuestion(i) {
    const list = readQuestionBlocks();
    const [gone] = list.splice(i, 1);
    renderQuestions(list);
    (list.length ? $(`q-${Math.min(i, list.length - 1)}-id`) : $("add-question")).focus();
    announce(T.removedQuestion(T.questionName(gone.id.trim(), i + 1)));
  }

  function addOption(i) {
    const list = readQuestionBlocks();
    if (list[i].options.length >= MAX_OPTIONS) return;
    list[i].options.push({ value: "", label: { ja: "", en: "" } });
    renderQuestions(list);
    $(`q-${i}-opt-${list[i].options.length - 1}-value`).focus();
  }

  function removeOption(i, k) {
    const list = readQuestionBlocks();
    list[i].options.splice(k, 1);
    renderQuestions(list);
    const left = list[i].options.length;
    (left ? $(`q-${i}-opt-${Math.min(k, left - 1)}-value`) : $(`q-${i}-add-option`)).focus();
    announce(T.removedOption(`${T.question(i + 1)}${T.within}${T.option(k + 1)}`));
  }

  // The blocks as the document's questions; FAIL(key, message) for each rule broken, keyed as
  // the server keys its errors.
  function collectQuestions(fail) {
    const list = readQuestionBlocks();
    if (list.length > MAX_QUESTIONS) fail("questions", "questionsMax");
    const trimmed = (t) => ({ ja: t.ja.trim(), en: t.en.trim() });
    const ids = new Set();
    return list.map((raw, i) => {
      const key = `questions[${i}]`;
      const q = { id: raw.id.trim(), type: raw.type, label: trimmed(raw.label), required: raw.required };
      if (!QUESTION_ID.test(q.id)) fail(`${key}.id`, q.id ? "questionId" : "required");
      else if (ids.has(q.id)) fail(`${key}.id`, "questionIdTaken");
      ids.add(q.id);
      if (!q.label.ja && !q.label.en) fail(`${key}.label`, "questionLabel");
      const help = trimmed(raw.help);
      if (help.ja || help.en) q.help = help;
      const max = raw.max_length.trim();
      if (hasLength(q.type) && max !== "") {
        if (!/^\d+$/.test(max) || Number(max) < 1 || Number(max) > MAX_ANSWER_LENGTH) fail(`${key}.max_length`, "maxLength");
        else q.max_length = Number(max);
      }
      if (hasOptions(q.type)) {
        if (!raw.options.length) fail(`${key}.options`, "optionsNeeded");
        if (raw.options.length > MAX_OPTIONS) fail(`${key}.options`, "optionsMax");
        const values = new Set();
        q.options = raw.options.map((o, k) => {
          const okey = `${key}.options[${k}]`;
          const option = { value: o.value.trim(), label: trimmed(o.label) };
          if (!option.value) fail(`${okey}.value`, "required");
          else if (utf8Length(option.value) > MAX_VALUE_BYTES) fail(`${okey}.value`, "optionValueLong");
          else if (values.has(option.value)) fail(`${okey}.value`, "optionValueTaken");
          values.add(option.value);
          if (!option.label.ja && !option.label.en) fail(`${okey}.label`, "optionLabel");
          return option;
        });
      }
      return q;
    });
  }

  // The control an error about questions[I]REST is shown at, and its name in the summary. A
  // key this page cannot place falls back to the question's block, then to the whole group;
  // a part the block hides for its type (options of a text question) to the type.
  function questionTarget(i, rest) {
    const p = `q-${i}`;
    if (!$(p)) return { id: "questions-group", label: T.questions };
    const name = T.question(i + 1);
    let target = { id: p, label: name };
    const om = /^\.options\[(\d+)\](.*)$/.exec(rest);
    if (om) {
      const k = Number(om[1]), row = `${p}-opt-${k}`;
      const part = OPTION_PARTS[om[2]];
      if (!$(row)) target = { id: `${p}-options`, label: `${name}${T.within}${T.q_options}` };
      else if (part) target = { id: `${row}-${part[0]}`, label: `${name}${T.within}${T.option(k + 1)}${T.within}${T[part[1]]}` };
      else target = { id: row, label: `${name}${T.within}${T.option(k + 1)}` };
    } else if (QUESTION_PARTS[rest]) {
      const [suffix, labelKey] = QUESTION_PARTS[rest];
      target = { id: `${p}-${suffix}`, label: `${name}${T.within}${T[labelKey]}` };
    }
    if ($(target.id)?.closest("[hidden]")) target = { id: `${p}-type`, label: `${name}${T.within}${T.q_type}` };
    return target;
  }

  // ---------------------------------------------------------------- the form: filling and reading

  function newDocument() {
    return {
      slug: "", title: { ja: "", en: "" }, description: { ja: "", en: "" },
      starts_at: "", ends_at: "", timezone: "Asia/Tokyo", venue: "online", fee: 0, capacity: 100,
      registration: { opens_at: "", closes_at: "" }, waitlist: { enabled: false, capacity: 0 },
      meeting: { url: "", passcode: "", join_opens_minutes_before: 15 },
      mail: { meeting_link_before: "P1D", reminders_before: ["P1D", "PT1H"] },
      contact: { name: "", email: "", phone: "" }, program_url: "",
      fields: [{ name: "name", required: true }, { name: "organization", required: true }],
      visibility: "draft",
    };
  }

  function fill(doc) {
    const zone = doc.timezone || "Asia/Tokyo";
    $("slug").value = doc.slug || "";
    $("slug").readOnly = !state.creating;
    $("slug").setAttribute("aria-readonly", state.creating ? "false" : "true");
    $("title-ja").value = doc.title?.ja || "";
    $("title-en").value = doc.title?.en || "";
    $("description-ja").value = doc.description?.ja || "";
    $("description-en").value = doc.description?.en || "";
    const online = (doc.venue || "online") === "online";
    $("venue-online").checked = online;
    $("venue-place").checked = !online;
    $("venue-name").value = online ? "" : doc.venue;
    syncVenue();
    $("program-url").value = doc.program_url || "";
    $("series").value = doc.series || "";
    $("series-title-ja").value = doc.series_title?.ja || "";
    $("series-title-en").value = doc.series_title?.en || "";
    syncSeries();
    for (const v of ["draft", "unlisted", "public"]) $(`visibility-${v}`).checked = doc.visibility === v;
    $("timezone").value = zone;
    $("starts-at").value = instantToLocal(doc.starts_at, zone);
    $("ends-at").value = instantToLocal(doc.ends_at, zone);
    $("opens-at").value = instantToLocal(doc.registration?.opens_at, zone);
    $("closes-at").value = instantToLocal(doc.registration?.closes_at, zone);
    $("capacity").value = String(doc.capacity ?? "");
    $("waitlist-enabled").checked = !!doc.waitlist?.enabled;
    $("waitlist-capacity").value = String(doc.waitlist?.capacity ?? 0);
    syncWaitlist();
    $("approval-required").checked = doc.registration?.approval === "required";
    $("decline-message-ja").value = doc.registration?.decline_message?.ja || "";
    $("decline-message-en").value = doc.registration?.decline_message?.en || "";
    $("invitation-required").checked = !!doc.eligibility?.invitation_required;
    $("meeting-url").value = doc.meeting?.url || "";
    $("meeting-passcode").value = doc.meeting?.passcode || "";
    $("join-minutes").value = String(doc.meeting?.join_opens_minutes_before ?? 0);
    const link = durationSeconds(doc.mail?.meeting_link_before) ?? 86400;
    const unit = link % 86400 === 0 ? "D" : link % 3600 === 0 ? "H" : "M";
    $("link-unit").value = unit;
    $("link-amount").value = String(link / { D: 86400, H: 3600, M: 60 }[unit]);
    setReminders(doc.mail?.reminders_before || []);
    const asked = new Map((doc.fields || []).map((f) => [typeof f === "string" ? f : f.name,
                                                         typeof f === "string" ? true : f.required !== false]));
    for (const f of FIELDS) {
      $(`ask-${f}`).checked = asked.has(f);
      $(`req-${f}`).checked = asked.get(f) === true;
      syncRequired(f);
    }
    renderQuestions((doc.questions || []).map(rawQuestion));
    $("domains").value = (doc.eligibility?.email_domains || []).join("\n");
    $("contact-name").value = doc.contact?.name || "";
    $("contact-email").value = doc.contact?.email || "";
    $("contact-phone").value = doc.contact?.phone || "";
    $("follow-up-enabled").checked = !!doc.follow_up;
    $("follow-up-hours").value = String(Math.round((durationSeconds(doc.follow_up?.after) ?? 7200) / 3600));
    $("survey-url").value = doc.follow_up?.survey_url || "";
    $("materials-url").value = doc.follow_up?.materials_url || "";
    $("recording-url").value = doc.follow_up?.recording_url || "";
    $("certificate-enabled").checked = !!doc.certificate;
    $("certificate-minutes").value = String(doc.certificate?.min_minutes ?? 60);
    $("certificate-issuer").value = doc.certificate?.issuer?.ja || "";
    syncAfter();
    updateZoneNotes();
    renderCounts();
    renderMode();
  }

  function syncVenue() {
    $("venue-name").disabled = !$("venue-place").checked;
  }

  function syncAfter() {
    for (const id of ["follow-up-hours", "survey-url", "materials-url", "recording-url"])
      $(id).disabled = !$("follow-up-enabled").checked;
    for (const id of ["certificate-minutes", "certificate-issuer"]) $(id).disabled = !$("certificate-enabled").checked;
  }

  // A series title belongs to a series: without one there is nothing to name.
  function syncSeries() {
    const none = !$("series").value.trim();
    for (const id of ["series-title-ja", "series-title-en"]) $(id).disabled = none;
  }

  function syncWaitlist() {
    $("waitlist-capacity").disabled = !$("waitlist-enabled").checked;
  }

  function renderCounts() {
    const c = state.counts;
    $("capacity-hint").textContent = c ? T.counts(c.confirmed, c.waitlisted) : "";
  }

  // Reads the form into a document. OVERRIDES: {visibility, closesAt (ms)} for the buttons that
  // save one change on top of the form. Answers {doc, errors} (errors: [{field, message}]).
  function collect(overrides = {}) {
    const errors = [];
    const fail = (field, key) => errors.push({ field, message: T.m[key] });
    // Start from what was read, so anything this page does not show is sent back unchanged.
    const doc = JSON.parse(JSON.stringify(state.doc || newDocument()));
    delete doc.counts;
    delete doc.promoted;
    doc.slug = state.creating ? $("slug").value.trim() : state.doc.slug;
    if (state.creating && !SLUG.test(doc.slug)) fail("slug", doc.slug ? "slug" : "required");
    doc.title = { ja: $("title-ja").value.trim(), en: $("title-en").value.trim() };
    if (!doc.title.ja && !doc.title.en) fail("title", "title");
    doc.description = { ja: $("description-ja").value.trim(), en: $("description-en").value.trim() };
    if ($("venue-place").checked) {
      doc.venue = $("venue-name").value.trim();
      if (!doc.venue) fail("venue", "venue");
    } else {
      doc.venue = "online";
    }
    doc.program_url = $("program-url").value.trim();
    if (doc.program_url && !isWebAddress(doc.program_url)) fail("program_url", "url");
    const checked = document.querySelector("input[name=visibility]:checked");
    doc.visibility = overrides.visibility || (checked ? checked.value : "draft");
    const series = $("series").value.trim();
    const seriesTitle = { ja: $("series-title-ja").value.trim(), en: $("series-title-en").value.trim() };
    if (series) {
      doc.series = series;
      if (!SLUG.test(series)) fail("series", "slug");
      if (seriesTitle.ja || seriesTitle.en) doc.series_title = seriesTitle;
      else delete doc.series_title;
    } else {
      delete doc.series;
      delete doc.series_title;
    }

    const zone = $("timezone").value.trim();
    doc.timezone = zone;
    const zoneOk = knownZone(zone);
    if (!zoneOk) fail("timezone", zone ? "zone" : "required");
    const instant = (id, field) => {
      const v = $(id).value;
      if (!v) {
        fail(field, "datetime");
        return null;
      }
      return zoneOk ? localToInstant(v, zone) : null;
    };
    const starts = instant("starts-at", "starts_at");
    const ends = instant("ends-at", "ends_at");
    const opens = instant("opens-at", "registration.opens_at");
    let closes = instant("closes-at", "registration.closes_at");
    if (overrides.closesAt !== undefined) closes = overrides.closesAt;
    if (starts !== null && ends !== null && ends <= starts) fail("ends_at", "endsAfter");
    if (opens !== null && closes !== null && closes <= opens) fail("registration.closes_at", "closesAfter");
    if (ends !== null && closes !== null && closes > ends) fail("registration.closes_at", "closesBeforeEnd");
    if (zoneOk) {
      doc.starts_at = starts === null ? "" : rfc3339(starts, zone);
      doc.ends_at = ends === null ? "" : rfc3339(ends, zone);
      doc.registration = { ...(doc.registration || {}),
                           opens_at: opens === null ? "" : rfc3339(opens, zone),
                           closes_at: closes === null ? "" : rfc3339(closes, zone) };
    }
    if (doc.registration) {
      if ($("approval-required").checked) doc.registration.approval = "required";
      else delete doc.registration.approval;  // "none", the default
      const words = { ja: $("decline-message-ja").value.trim(), en: $("decline-message-en").value.trim() };
      if (words.ja || words.en) doc.registration.decline_message = words;
      else delete doc.registration.decline_message;
    }
    delete doc.registration?.state;
    delete doc.registration?.seats_remaining;
    delete doc.registration?.waitlist_available;

    const integer = (id, field, { empty = null, max = Infinity, key = "integer" } = {}) => {
      const v = $(id).value.trim();
      if (v === "" && empty !== null) return empty;
      if (!/^\d+$/.test(v) || Number(v) > max) {
        fail(field, v === "" ? "required" : key);
        return 0;
      }
      return Number(v);
    };
    doc.fee = 0;
    doc.capacity = integer("capacity", "capacity");
    const waitlistOn = $("waitlist-enabled").checked;
    // Switched off, an emptied size is simply no size.
    doc.waitlist = { enabled: waitlistOn,
                     capacity: integer("waitlist-capacity", "waitlist.capacity", { empty: waitlistOn ? null : 0 }) };
    doc.meeting = { url: $("meeting-url").value.trim(), passcode: $("meeting-passcode").value.trim(),
                    join_opens_minutes_before: integer("join-minutes", "meeting.join_opens_minutes_before", { max: 10080, key: "join" }) };
    if (doc.meeting.url && !isWebAddress(doc.meeting.url)) fail("meeting.url", "url");
    const amount = integer("link-amount", "mail.meeting_link_before");
    const unit = $("link-unit").value;
    doc.mail = { meeting_link_before: unit === "D" ? `P${amount}D` : `PT${amount}${unit}`,
                 reminders_before: reminderValues() };
    doc.contact = { name: $("contact-name").value.trim(), email: $("contact-email").value.trim(),
                    phone: $("contact-phone").value.trim() };
    if (doc.contact.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(doc.contact.email)) fail("contact.email", "email");
    doc.fields = FIELDS.filter((f) => $(`ask-${f}`).checked).map((f) => ({ name: f, required: $(`req-${f}`).checked }));
    doc.questions = collectQuestions(fail);
    const domains = $("domains").value.split(/\r?\n/).map((d) => d.trim()).filter(Boolean);
    doc.eligibility = {};
    if (domains.length) doc.eligibility.email_domains = domains;
    if ($("invitation-required").checked) doc.eligibility.invitation_required = true;
    if (!Object.keys(doc.eligibility).length) delete doc.eligibility;
    if ($("follow-up-enabled").checked) {
      doc.follow_up = { after: `PT${integer("follow-up-hours", "follow_up.after", { max: 720 })}H` };
      for (const [id, key] of [["survey-url", "survey_url"], ["materials-url", "materials_url"], ["recording-url", "recording_url"]]) {
        doc.follow_up[key] = $(id).value.trim();
        if (doc.follow_up[key] && !isWebAddress(doc.follow_up[key])) fail(`follow_up.${key}`, "url");
      }
    } else {
      delete doc.follow_up;
    }
    if ($("certificate-enabled").checked) {
      const issuer = $("certificate-issuer").value.trim();
      doc.certificate = { ...(doc.certificate || {}),
                          min_minutes: integer("certificate-minutes", "certificate.min_minutes", { max: 1440 }),
                          issuer: { ...(doc.certificate?.issuer || {}), ja: issuer } };
    } else {
      delete doc.certificate;
    }
    return { doc, errors };
  }

  function isWebAddress(text) {
    try {
      const u = new URL(text);
      return (u.protocol === "https:" || u.protocol === "http:") && !!u.hostname;
    } catch (_) {
      return false;
    }
  }

  // ---------------------------------------------------------------- errors and outcomes

  function say(text) {
    $("messages").textContent = text;
  }

  function clearOutcome() {
    const box = $("form-status");
    box.replaceChildren();
    box.className = "form-status";
    clearFieldErrors();
  }

  function clearFieldErrors() {
    const form = $("editor-form");
    for (const p of form.querySelectorAll(".field-error.js-error")) p.remove();
    for (const c of form.querySelectorAll("[aria-invalid]")) {
      c.removeAttribute("aria-invalid");
      const original = c.dataset.describedby;
      if (original) c.setAttribute("aria-describedby", original);
      else c.removeAttribute("aria-describedby");
      delete c.dataset.describedby;
    }
    for (const w of form.querySelectorAll(".has-error")) w.classList.remove("has-error");
  }

  // The control an error's key is about, and the words the summary names it by.
  function targetOf(field) {
    const key = String(field || "");
    const q = /^questions\[(\d+)\](.*)$/.exec(key);
    if (q) return questionTarget(Number(q[1]), q[2]);
    const [id, labelKey] = TARGETS[baseKey(key)];
    return { id, label: T[labelKey] };
  }

  function baseKey(field) {
    const key = String(field || "").replace(/\[\d+\].*$/, "");
    if (key in TARGETS) return key;
    const parent = key.split(".")[0];
    return parent in TARGETS ? parent : "";
  }

  function messageOf(err) {
    if (err.local) return err.message;
    const own = ownLabelMessage(err) || SERVER_MESSAGES[err.message];
    if (own) return T.m[own];
    if (lang === "ja" && SERVER_MESSAGES_JA[err.message]) return SERVER_MESSAGES_JA[err.message];
    return err.message || err.code || "";
  }

  // "needs at least one of ja, en" is said of titles, questions and options alike.
  function ownLabelMessage(err) {
    if (err.message !== "needs at least one of ja, en") return null;
    const field = String(err.field || "");
    if (/^questions\[\d+\]\.options\[\d+\]\.label/.test(field)) return "optionLabel";
    if (/^questions\[\d+\]\.label/.test(field)) return "questionLabel";
    return null;
  }

  // The inputs an error marks: the control, or every input of a group (radios, checkboxes).
  // The questions' group and a question's block hold many unrelated controls: an error about
  // one of them as a whole marks none.
  function controlsOf(target) {
    if (!target || target.matches("#questions-group, fieldset.question")) return [];
    return target.tagName === "FIELDSET" ? [...target.querySelectorAll("input, select, textarea")] : [target];
  }

  // A control marked twice (an option inside a question block with its own error) is
  // described by both errors, then by what described it before.
  function markInvalid(control, errorId) {
    if (!control.hasAttribute("aria-invalid") && control.hasAttribute("aria-describedby"))
      control.dataset.describedby = control.getAttribute("aria-describedby");
    const words = (v) => (v || "").split(/\s+/).filter(Boolean);
    const original = words(control.dataset.describedby);
    const errorIds = control.hasAttribute("aria-invalid")
      ? words(control.getAttribute("aria-describedby")).filter((id) => !original.includes(id)) : [];
    if (!errorIds.includes(errorId)) errorIds.push(errorId);
    control.setAttribute("aria-describedby", [...errorIds, ...original].join(" "));
    control.setAttribute("aria-invalid", "true");
  }

  // Each error next to its field (after the label, like the participant form), and a summary at
  // the top linking to each; the summary takes the focus.
  function showErrors(errors) {
    clearOutcome();
    const items = [];
    const order = [...document.querySelectorAll("#editor-form input, #editor-form select, #editor-form textarea, #editor-form fieldset")]
      .map((n) => n.id);
    const rank = (e) => {
      const { id } = targetOf(e.field);
      const i = order.indexOf(id);
      return i < 0 ? order.length : i;
    };
    const sorted = [...errors].sort((a, b) => rank(a) - rank(b));
    for (const err of sorted) {
      const { id: targetId, label } = targetOf(err.field);
      const text = messageOf(err);
      const target = targetId ? $(targetId) : null;
      if (target) {
        const wrapper = target.tagName === "FIELDSET" ? target : target.closest(".field") || target.parentElement;
        const errorId = `${targetId}-error`;
        let p = $(errorId);
        if (!p) {
          p = el("p", { class: "field-error js-error", id: errorId });
          const head = wrapper.querySelector(":scope > label, :scope > legend, :scope > .checkbox");
          if (head && head.classList.contains("checkbox")) head.before(p);
          else if (head) head.after(p);
          else wrapper.prepend(p);
        } else {
          p.append(el("br"));
        }
        p.append(el("span", { class: "visually-hidden", text: T.errorPrefix }), text);
        wrapper.classList.add("has-error");
        for (const c of controlsOf(target)) markInvalid(c, errorId);
      }
      const line = `${label}${T.sep}${text}`;
      items.push(el("li", {}, target
        ? el("a", { href: `#${targetId}`, onclick: (ev) => { ev.preventDefault(); focusTarget($(targetId) || target); }, text: line })
        : line));
    }
    const box = $("form-status");
    box.classList.add("status-error");
    box.append(el("h2", { class: "status-heading", id: "error-summary-heading", text: T.summary(sorted.length) }),
      el("ul", { id: "error-summary" }, ...items));
    box.focus();
    box.scrollIntoView({ block: "start" });
  }

  function focusTarget(target) {
    // A group whose inputs are not marked (a question's block), or without inputs (no options
    // yet): its first control that can take the focus.
    const c = controlsOf(target).find((n) => !n.disabled)
      || (target.tagName === "FIELDSET" && [...target.querySelectorAll("input, select, textarea, button")]
        .find((n) => !n.disabled && !n.closest("[hidden]")))
      || target;
    c.focus();
    (c.closest(".field") || c).scrollIntoView({ block: "center" });
  }

  // A problem that is not one field's: a message (with an action, perhaps) in the status box.
  function showProblem(text, { help = null, action = null, tone = "status-error" } = {}) {
    clearOutcome();
    const box = $("form-status");
    box.classList.add(tone);
    box.append(el("p", { class: "status-text", id: "status-text", text }));
    if (help) box.append(el("p", { class: "status-help", text: help }));
    if (action) box.append(el("p", { class: "status-action" }, action));
    box.focus();
    box.scrollIntoView({ block: "start" });
  }

  function sessionEnded() {
    showProblem(T.sessionEnded, {
      help: T.sessionEndedHelp,
      action: el("a", { href: withLang("/admin"), target: "_blank", rel: "noopener", text: T.signInNewTab }),
    });
  }

  // The outcome of a refused PUT.
  function handleRefusal(res, data) {
    const code = data?.code;
    if (res.status === 422 && code === "validation_failed" && Array.isArray(data.errors) && data.errors.length) {
      return showErrors(data.errors.map((e) => ({ field: e.field, code: e.code, message: e.message })));
    }
    if (res.status === 409 && code === "capacity_below_confirmed") {
      if (state.counts) state.counts.confirmed = data.confirmed;
      renderCounts();
      return showErrors([{ field: "capacity", message: T.belowConfirmed(data.confirmed), local: true }]);
    }
    if (res.status === 409 && state.creating) {
      return showErrors([{ field: "slug", message: T.slugTaken, local: true }]);
    }
    if (res.status === 409) {
      return showProblem(T.conflict, {
        help: T.conflictHelp,
        action: el("button", { type: "button", id: "reload-latest", text: T.reload, onclick: reloadLatest }),
        tone: "status-warning",
      });
    }
    if (res.status === 401 || code === "csrf_failed") return sessionEnded();
    if (res.status === 403) return showProblem(T.forbiddenSave);
    if (res.status === 503) return showProblem(T.unavailable, { tone: "status-warning" });
    return showProblem(T.failed(data?.title || `${res.status} ${res.statusText}`));
  }

  // ---------------------------------------------------------------- saving

  function setBusy(on) {
    state.busy = on;
    for (const id of ["save", "publish", "close-now", "copy"]) $(id).disabled = on;
    $("editor-form").setAttribute("aria-busy", on ? "true" : "false");
    if (on) say(T.saving);
  }

  async function save(overrides = {}, doneText = null) {
    if (state.busy) return false;
    const { doc, errors } = collect(overrides);
    if (errors.length) {
      say("");
      showErrors(errors.map((e) => ({ ...e, local: true })));
      return false;
    }
    clearOutcome();
    setBusy(true);
    const wasCreating = state.creating;
    let answer;
    try {
      answer = await api("PUT", `/api/v1/admin/events/${encodeURIComponent(doc.slug)}`, doc,
        wasCreating ? { "If-None-Match": "*" } : { "If-Match": state.etag });
    } catch (_) {
      setBusy(false);
      say("");
      showProblem(T.network);
      return false;
    }
    setBusy(false);
    const { res, data } = answer;
    if (res.status !== 200 && res.status !== 201) {
      say("");
      handleRefusal(res, data);
      return false;
    }
    const promoted = data.promoted || 0;
    delete data.promoted;
    state.doc = data;
    state.etag = res.headers.get("ETag") || "";
    state.creating = false;
    if (!state.counts) state.counts = { confirmed: 0, waitlisted: 0 };
    if (wasCreating) history.replaceState(null, "", withLang(`/admin/editor?event=${encodeURIComponent(data.slug)}`));
    fill(data);
    const text = doneText || (wasCreating ? T.created : T.saved);
    say(promoted ? `${text} ${T.promoted(promoted)}` : text);
    return true;
  }

  async function publish() {
    await save({ visibility: "public" }, T.published);
  }

  async function closeNow() {
    // "Now" is the server's (its rehearsal clock's, when one runs), not this browser's.
    const who = await refreshSession().catch(() => null);
    const now = who?.server_time ? Date.parse(who.server_time) : Math.floor(Date.now() / 1000) * 1000;
    const current = Date.parse(state.doc?.registration?.closes_at || "");
    const opens = Date.parse(state.doc?.registration?.opens_at || "");
    if (!Number.isNaN(current) && current <= now) {
      clearOutcome();
      say(T.alreadyClosed);
      return;
    }
    if (!Number.isNaN(opens) && opens >= now) {
      clearOutcome();
      say(T.notOpenYet);
      return;
    }
    if (!confirm(T.confirmClose)) return;
    await save({ closesAt: now }, T.closed);
  }

  // After a conflict: the stored version replaces the form. Said where the button was (it is
  // gone with the conflict message), and the focus stays there.
  async function reloadLatest() {
    if (!confirm(T.confirmReload)) return;
    if (await loadEvent(state.doc.slug)) {
      say("");
      showProblem(T.reloaded, { tone: "status-info" });
    }
  }

  async function copyEvent(event) {
    event.preventDefault();
    if (state.busy || state.creating) return;
    const input = $("copy-slug");
    const to = input.value.trim();
    clearCopyError();
    setBusy(true);
    let answer;
    try {
      answer = await api("POST", `/api/v1/admin/events/${encodeURIComponent(state.doc.slug)}/copy`, { slug: to });
    } catch (_) {
      setBusy(false);
      return showProblem(T.network);
    }
    setBusy(false);
    const { res, data } = answer;
    if (res.status === 201) {
      say(T.copied);
      location.assign(withLang(`/admin/editor?event=${encodeURIComponent(data.slug)}`));
      return;
    }
    if (res.status === 422 && Array.isArray(data?.errors) && data.errors.length) {
      const e = data.errors[0];
      return copyError(e.field === "slug" && e.code === "required" ? T.m.required
        : e.field === "slug" ? T.m.slug : messageOf(e));
    }
    if (res.status === 409) return copyError(T.slugTaken);
    if (res.status === 401 || data?.code === "csrf_failed") return sessionEnded();
    if (res.status === 403) return copyError(T.forbiddenSave);
    return showProblem(T.copyFailed(data?.title || res.status));
  }

  function clearCopyError() {
    $("copy-slug-error")?.remove();
    const input = $("copy-slug");
    input.removeAttribute("aria-invalid");
    input.setAttribute("aria-describedby", "copy-slug-hint");
    input.closest(".field").classList.remove("has-error");
  }

  function copyError(text) {
    const input = $("copy-slug");
    const p = el("p", { class: "field-error", id: "copy-slug-error" },
      el("span", { class: "visually-hidden", text: T.errorPrefix }), text);
    input.before(p);
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", "copy-slug-error copy-slug-hint");
    input.closest(".field").classList.add("has-error");
    input.focus();
  }

  // ---------------------------------------------------------------- loading

  function renderMode() {
    const heading = state.creating ? T.titleNew : T.titleEdit(state.doc.title?.[lang] || state.doc.title?.ja || state.doc.slug);
    $("page-title").textContent = heading;
    document.title = T.docTitle(heading);
    $("publish").hidden = state.creating || state.doc?.visibility === "public";
    $("close-now").hidden = state.creating;
    $("copy-section").hidden = state.creating;
    const preview = $("preview");
    preview.hidden = state.creating;
    if (!state.creating) preview.href = withLang(`/events/${encodeURIComponent(state.doc.slug)}?preview=1`);
    const docState = $("doc-state");
    docState.hidden = state.creating;
    if (!state.creating) {
      const v = state.doc.visibility;
      docState.replaceChildren(T.stateLabel,
        el("span", { class: `badge badge-${v === "public" ? "open" : v === "draft" ? "closed" : "not-open"}`, id: "doc-visibility", text: T.states[v] || v }));
    }
    langLink();
  }

  function show(id) {
    $("loading").hidden = true;
    for (const s of ["signin-needed", "forbidden", "not-found", "editor-form"]) $(s).hidden = s !== id;
    if (id !== "editor-form") $("copy-section").hidden = true;
  }

  // Reads the event into the form. Answers whether it could.
  async function loadEvent(slug) {
    let answer;
    try {
      answer = await api("GET", `/api/v1/admin/events/${encodeURIComponent(slug)}`);
    } catch (_) {
      showProblem(T.network);
      return false;
    }
    const { res, data } = answer;
    if (res.status === 200) {
      state.counts = data.counts || null;
      delete data.counts;
      state.doc = data;
      state.etag = res.headers.get("ETag") || "";
      state.creating = false;
      clearOutcome();
      show("editor-form");
      fill(data);
      return true;
    }
    if (res.status === 401) show("signin-needed");
    else if (res.status === 403) show("forbidden");
    else if (res.status === 404) show("not-found");
    else showProblem(T.failed(data?.title || res.status));
    return false;
  }

  function labels() {
    for (const node of document.querySelectorAll("[data-t]")) {
      const v = T[node.dataset.t];
      if (typeof v === "string") node.textContent = v;
    }
    document.title = T.docTitle(T.title);
    langLink();
    for (const id of ["home", "back", "signin-link"]) $(id).href = withLang("/admin");
    $("create-link").href = withLang("/admin/editor");
  }

  // The other language's link keeps the event (the address changes once a new event is saved).
  function langLink() {
    const other = new URLSearchParams(location.search);
    if (lang === "en") other.delete("lang");
    else other.set("lang", "en");
    const q = other.toString();
    $("lang").href = q ? `?${q}` : location.pathname;
    $("lang").textContent = T.lang;
    $("lang").setAttribute("lang", lang === "en" ? "ja" : "en");
  }

  async function start() {
    labels();
    buildControls();
    $("editor-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      save();
    });
    $("publish").addEventListener("click", publish);
    $("add-question").addEventListener("click", addQuestion);
    $("close-now").addEventListener("click", closeNow);
    $("copy-form").addEventListener("submit", copyEvent);
    $("venue-online").addEventListener("change", syncVenue);
    $("venue-place").addEventListener("change", syncVenue);
    $("waitlist-enabled").addEventListener("change", syncWaitlist);
    $("series").addEventListener("input", syncSeries);
    $("follow-up-enabled").addEventListener("change", syncAfter);
    $("certificate-enabled").addEventListener("change", syncAfter);
    for (const id of ["timezone", ...DATE_INPUTS]) $(id).addEventListener("input", updateZoneNotes);

    let who = null;
    try {
      who = await refreshSession();
    } catch (_) {
      $("loading").hidden = true;
      showProblem(T.network);
      return;
    }
    if (!who) {
      show("signin-needed");
      return;
    }
    const actor = who.actor;
    $("who").hidden = false;
    $("who").textContent = T.who(actor.name.replace(/^user:/, ""), T.roles[actor.role] || actor.role);
    const slug = params.get("event");
    if (actor.role === "viewer") {
      if (slug) $("page-title").textContent = T.title;
      show("forbidden");
      return;
    }
    if (slug) {
      await loadEvent(slug);
      return;
    }
    state.creating = true;
    state.doc = null;
    show("editor-form");
    fill(newDocument());
  }

  document.addEventListener("DOMContentLoaded", start);
})();
