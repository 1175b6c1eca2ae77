#include "http/problem.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>

#include "domain/event.hpp"

namespace regdesk::http {

namespace {

struct Text {
  const char* ja;
  const char* en;
};

const std::map<std::string, Text>& titles() {
  static const std::map<std::string, Text> kTitles = {
      {"malformed_json",
       {"リクエストの形式が正しくありません。", "The request body is not valid JSON."}},
      {"unsupported_media_type",
       {"Content-Type は application/json にしてください。", "Send the body as application/json."}},
      {"payload_too_large", {"送信された内容が大きすぎます。", "The request body is too large."}},
      {"validation_failed", {"入力内容をご確認ください。", "Please check the highlighted fields."}},
      {"not_found", {"見つかりません。", "Not found."}},
      {"registration_not_open",
       {"申込受付はまだ始まっていません。", "Registration has not opened yet."}},
      {"registration_closed", {"申込受付は終了しました。", "Registration has closed."}},
      {"sold_out", {"定員に達したため、受付を終了しました。", "This event is fully booked."}},
      {"already_registered",
       {"このメールアドレスは既に登録されています。",
        "This e-mail address is already registered for this event."}},
      {"not_eligible",
       {"このイベントは対象となる組織の方のみお申込みいただけます。",
        "This event is only open to members of eligible organisations."}},
      {"idempotency_conflict",
       {"同じ Idempotency-Key で異なる内容が送信されました。",
        "This Idempotency-Key was already used with a different request."}},
      {"rate_limited",
       {"短時間に多くのお申込みがありました。しばらくしてから再度お試しください。",
        "Too many sign-ups from your network. Please try again shortly."}},
      {"unauthorized", {"認証が必要です。", "Authentication required."}},
      {"forbidden", {"この操作を行う権限がありません。", "Your role does not allow this."}},
      {"csrf_failed",
       {"画面を再読み込みしてから、もう一度操作してください。",
        "Reload the page and try again (the request lacked its CSRF token)."}},
      {"sign_in_failed",
       {"メールアドレスまたはパスワードが正しくありません。",
        "The address or the password is not right."}},
      {"otp_required",
       {"確認コード（認証アプリの6桁）を入力してください。",
        "Enter the six-digit code from your authenticator app."}},
      {"totp_setup_required",
       {"所有者アカウントには2段階認証の設定が必要です。管理者に依頼してください。",
        "Owner accounts need two-step sign-in set up first; ask an administrator."}},
      {"conflict",
       {"他の操作と競合しました。最新の状態を読み込んでから操作してください。",
        "This conflicts with another change: load the latest state and try again."}},
      {"last_owner",
       {"最後の所有者は変更・無効化できません。先に別の所有者を追加してください。",
        "The last owner cannot be demoted or disabled: add another owner first."}},
      {"unavailable",
       {"ただいま混み合っているか、一時的に利用できません。しばらくしてから再度お試しください。",
        "The service is temporarily unavailable. Please try again shortly."}},
      {"capacity_below_confirmed",
       {"確定済みの人数より少ない定員にはできません。",
        "Capacity cannot be set below the number of confirmed registrations."}},
      {"invalid_event", {"イベント定義に誤りがあります。", "The event definition is not valid."}},
      {"not_attended",
       {"参加時間が証明書の基準に達していないため、参加証明書は発行できません。",
        "A certificate of attendance is issued only to those who attended long enough."}},
      {"unrecognised_report",
       {"出席レポートを読み取れませんでした（Zoom・Webex・Teams "
        "の参加者レポートに対応しています）。",
        "This is not an attendance report regdesk can read (Zoom, Webex or Teams participant "
        "reports)."}},
      {"registration_cancelled",
       {"このお申込みはキャンセル済みのため、変更できません。",
        "This registration has been cancelled and can no longer be changed."}},
      {"invitation_required",
       {"この催しは招待制です。招待メールのリンク、または所属先のご担当者から届いたリンクからお申し込みください。",
        "This event is by invitation only. Please register through the link in your invitation, "
        "or the one your organisation's contact person sent you."}},
      {"invitation_used_up",
       {"この招待は有効期限が切れたか、利用できる人数に達しています。所属先のご担当者にお問い合わせください。",
        "This invitation has expired or has been used by as many people as it allows. Please ask "
        "your organisation's contact person."}},
      {"registration_declined",
       {"このお申込みは見送りとなったため、変更できません。",
        "This registration was declined and can no longer be changed."}},
      {"not_pending",
       {"このお申込みは承認待ちではありません。", "This registration is not awaiting approval."}},
      {"not_confirmed",
       {"参加が確定していないお申込みには、参加用URLをお送りできません。",
        "The meeting link goes only to confirmed registrations."}},
      {"not_waitlisted",
       {"キャンセル待ちではないお申込みは繰り上げできません。",
        "Only a waitlisted registration can be promoted."}},
      {"method_not_allowed", {"このメソッドは使えません。", "Method not allowed."}},
      {"internal_error", {"内部エラーが発生しました。", "Internal error."}},
  };
  return kTitles;
}

Text field_label(const std::string& field) {
  static const std::map<std::string, Text> kLabels = {
      {"name", {"氏名", "Name"}},
      {"name_kana", {"ふりがな", "Name reading (furigana)"}},
      {"email", {"メールアドレス", "E-mail address"}},
      {"email_confirmation", {"メールアドレス（確認）", "E-mail address (confirmation)"}},
      {"organization", {"所属", "Organisation"}},
      {"department", {"部署", "Department"}},
      {"category", {"所属区分", "Category"}},
      {"phone", {"電話番号", "Phone"}},
      {"question", {"質問・要望", "Questions and requests"}},
      {"locale", {"言語", "Language"}},
      {"consent_privacy", {"個人情報の取扱いへの同意", "Consent to the privacy notice"}},
      {"waitlist", {"キャンセル待ち", "Waitlist"}},
      {"idempotency_key", {"Idempotency-Key", "Idempotency-Key"}},
  };
  auto it = kLabels.find(field);
  return it == kLabels.end() ? Text{field.c_str(), field.c_str()} : it->second;
}

std::string field_message(const FieldError& e, bool ja) {
  Text label = field_label(e.field);
  std::string l = !e.label.empty() ? (ja ? "「" + e.label + "」" : "\"" + e.label + "\"")
                                   : (ja ? label.ja : label.en);
  if (e.code == "required" && !e.label.empty())
    return ja ? l + "に回答してください。" : "Please answer " + l + ".";
  if (e.code == "required")
    return ja ? (e.field == "consent_privacy" ? "個人情報の取扱いに同意してください。"
                                              : l + "を入力してください。")
              : l + " is required.";
  if (e.code == "must_accept" && !e.label.empty())
    return ja ? l + "にチェックを入れてください。" : "Please tick " + l + ".";
  if (e.code == "must_accept")
    return ja ? "個人情報の取扱いに同意してください。" : "Please agree to the privacy notice.";
  if (e.code == "too_long") {
    std::string max;
    if (e.max_length)
      max = std::to_string(e.max_length);
    else if (auto f = form_field_from_string(e.field))
      max = std::to_string(max_length(*f));
    else if (e.field == "email")
      max = "254";
    if (max.empty()) return ja ? l + "が長すぎます。" : l + " is too long.";
    return ja ? l + "が長すぎます（" + max + "文字以内）。"
              : l + " is too long (at most " + max + " characters).";
  }
  if (e.code == "invisible_characters")
    return ja ? l + "に使えない文字（見えない書式用の文字や、未定義・私用の文字）が含まれています。"
              : l + " contains characters that cannot be used (invisible formatting, private-use "
                    "or "
                    "unassigned characters).";
  if (e.code == "control_characters")
    return ja ? l + "に改行や制御文字は使えません。"
              : l + " must not contain line breaks or control characters.";
  if (e.code == "invalid_type")
    return ja ? l + "の値の型が正しくありません。" : l + " has the wrong type.";
  if (e.code == "must_be_empty")
    return ja ? "この項目は空欄のまま送信してください。" : "Leave this field empty.";
  if (e.code == "unknown")
    return ja ? "このイベントにない質問への回答です（ページを再読み込みしてください）。"
              : "This answers a question the event does not ask (reload the page).";
  if (e.code == "not_editable")
    return ja ? l + "は変更できません。変更が必要な場合はお問い合わせ先にご連絡ください。"
              : l + " cannot be changed here; please write to the organiser.";
  if (e.code == "mismatch")
    return ja ? "メールアドレスが一致しません。" : "The e-mail addresses do not match.";
  return ja ? l + "の形式が正しくありません。" : l + " is not valid.";
}

}  // namespace

Problem problem(int status, std::string code, std::string detail) {
  Problem p;
  p.status = status;
  p.code = std::move(code);
  p.detail = std::move(detail);
  return p;
}

Problem unavailable() {
  Problem p = problem(503, "unavailable");
  p.retry_after_seconds = 5;
  return p;
}

nlohmann::json problem_body(const Problem& p, const std::string& lang) {
  bool ja = lang != "en";
  auto it = titles().find(p.code);
  std::string title = it == titles().end() ? p.code : (ja ? it->second.ja : it->second.en);
  nlohmann::json body = {{"type", "/problems/" + p.code},
                         {"title", title},
                         {"status", p.status},
                         {"code", p.code},
                         {"detail", p.detail.empty() ? title : p.detail}};
  if (!p.errors.empty()) {
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& e : p.errors)
      errors.push_back({{"field", e.field}, {"code", e.code}, {"message", field_message(e, ja)}});
    body["errors"] = errors;
  }
  for (auto& [k, v] : p.extra.items()) body[k] = v;
  return body;
}

std::string pick_language(const std::string& header) {
  // "en-US,en;q=0.9,ja;q=0.8": the best-weighted of ja/en wins; ties go to the first listed.
  double best_q = -1;
  std::string best = "ja";
  size_t start = 0;
  while (start < header.size()) {
    size_t end = header.find(',', start);
    if (end == std::string::npos) end = header.size();
    std::string part = header.substr(start, end - start);
    start = end + 1;
    double q = 1.0;
    if (auto semi = part.find(';'); semi != std::string::npos) {
      auto qpos = part.find("q=", semi);
      if (qpos != std::string::npos) q = std::atof(part.c_str() + qpos + 2);
      part.resize(semi);
    }
    part.erase(std::remove(part.begin(), part.end(), ' '), part.end());
    std::string lang = part.substr(0, 2);
    for (auto& c : lang) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if ((lang == "ja" || lang == "en") && q > best_q) {
      best_q = q;
      best = lang;
    }
  }
  return best;
}

}  // namespace regdesk::http
