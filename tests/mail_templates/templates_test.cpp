// Mail templates: every kind and locale renders, texts are plain (no HTML escaping), the join
// link only goes where it belongs, lines fit Japanese mail clients; event time formatting.

#include "mail/templates.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/time.hpp"

namespace regdesk::mail {
namespace {

using nlohmann::json;

const std::vector<MailKind> kAllKinds = {
    MailKind::kConfirmation, MailKind::kWaitlisted,       MailKind::kPromoted,
    MailKind::kCancellation, MailKind::kMeetingLink,      MailKind::kReminder,
    MailKind::kAnnouncement, MailKind::kFollowUpAttended, MailKind::kFollowUpAbsent,
};
const std::vector<std::string> kLocales = {"ja", "en"};

constexpr const char* kJoinUrl = "https://regdesk.example.jp/join/Jq7xVbN2kS9pLm4RtY8wZa";
constexpr const char* kCancelUrl = "https://regdesk.example.jp/cancel?token=c4NcEl7oKeN2x9Qp";
constexpr const char* kOrganisation = "A&B <株> \"事務局\"";

Instant at(const char* rfc3339) {
  auto t = parse_rfc3339(rfc3339);
  if (!t) throw std::invalid_argument(rfc3339);
  return *t;
}

// Every key in templates/email/README.md, for the seed event.
json full_data(const std::string& locale) {
  const bool en = locale == "en";
  return json{
      {"name", en ? "Taro Yamada" : "山田 太郎"},
      {"number", "MN24-0042"},
      {"email", "taro@example.jp"},
      {"event",
       {{"title", en ? "MID-NET® Symposium 2024" : "MID-NET®シンポジウム 2024"},
        {"period", format_event_period(at("2024-02-28T14:00:00+09:00"),
                                       at("2024-02-28T17:00:00+09:00"), "Asia/Tokyo", locale)},
        {"program_url", "https://www.pmda.go.jp/safety/symposia/0027.html"},
        {"venue_label", en ? "Online (web conference)" : "オンライン（Web会議システム）"}}},
      {"contact",
       {{"name", kOrganisation}, {"email", "wakaru-midnet@pmda.go.jp"}, {"phone", "03-3506-9710"}}},
      {"cancel_url", kCancelUrl},
      {"self_url", "https://regdesk.example.jp/registration?token=s3lFvIeW0nLy"},
      {"waitlist_position", 7},
      {"join_url", kJoinUrl},
      {"passcode", "482913"},
      {"join_opens_at", format_local_time(at("2024-02-28T13:30:00+09:00"), "Asia/Tokyo", locale)},
      {"reminder", {{"before_label", en ? "1 day" : "1日前"}}},
      {"announcement",
       {{"subject", en ? "Change to the programme" : "プログラムの一部変更について"},
        {"body", en ? "The panel discussion now starts at 16:00.\nThe closing time is unchanged."
                    : "パネルディスカッションの開始時刻を16:00に変更しました。\n"
                      "終了時刻に変更はありません。"}}},
      {"has_meeting_link", true},
      {"is_late", false},
      {"unsubscribe_url", "https://regdesk.example.jp/unsubscribe/uNsUb5cR1be"},
      {"follow_up",
       {{"survey_url", "https://survey.example.jp/midnet2024"},
        {"materials_url", "https://www.pmda.go.jp/files/midnet2024.pdf"},
        {"recording_url", "https://video.example.jp/midnet2024"}}},
      {"minutes_attended", "165"},
      {"has_answers", true},
      {"answers",
       json::array({{{"question", en ? "Sessions you will attend" : "参加を予定するセッション"},
                     {"answer", en ? "Keynote, Panel" : "基調講演、パネルディスカッション"}}})},
      {"certificate_url", "https://regdesk.example.jp/certificate/c3rT1f1cAtE"},
  };
}

std::string label(MailKind kind, const std::string& locale) {
  return std::string(to_string(kind)) + "." + locale;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Display columns: East Asian Wide and Fullwidth characters count 2, everything else 1.
size_t columns(const std::string& line) {
  size_t cols = 0;
  for (size_t i = 0; i < line.size();) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    char32_t cp = c;
    size_t len = 1;
    if (c >= 0xF0) {
      cp = c & 0x07;
      len = 4;
    } else if (c >= 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else if (c >= 0xC0) {
      cp = c & 0x1F;
      len = 2;
    }
    for (size_t k = 1; k < len && i + k < line.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(line[i + k]) & 0x3F);
    }
    i += len;
    const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
                      (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
                      (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
                      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                      (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
    cols += wide ? 2 : 1;
  }
  return cols;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(MailTemplates, EveryKindAndLocaleRendersWithFullData) {
  for (MailKind kind : kAllKinds) {
    for (const auto& locale : kLocales) {
      SCOPED_TRACE(label(kind, locale));
      const RenderedMail mail = render_mail(kind, locale, full_data(locale));
      EXPECT_FALSE(mail.subject.empty());
      EXPECT_FALSE(contains(mail.subject, "\n"));
      EXPECT_FALSE(contains(mail.subject, "\r"));
      EXPECT_GT(mail.body.size(), 200u);
      EXPECT_FALSE(contains(mail.subject, "{{"));
      EXPECT_FALSE(contains(mail.body, "{{"));
      EXPECT_FALSE(contains(mail.body, "}}"));
      EXPECT_EQ(mail.body.back(), '\n');
      EXPECT_TRUE(contains(mail.body, locale == "en" ? "Taro Yamada" : "山田 太郎 様"));
      EXPECT_TRUE(contains(mail.body, full_data(locale)["event"]["period"].get<std::string>()));
    }
  }
}

TEST(MailTemplates, BulkMailSaysHowToStopItAndFollowUpsCarryTheirLinks) {
  for (const auto& locale : kLocales) {
    for (MailKind kind :
         {MailKind::kAnnouncement, MailKind::kFollowUpAttended, MailKind::kFollowUpAbsent}) {
      SCOPED_TRACE(label(kind, locale));
      EXPECT_TRUE(contains(render_mail(kind, locale, full_data(locale)).body,
                           "https://regdesk.example.jp/unsubscribe/uNsUb5cR1be"));
    }
    const std::string attended =
        render_mail(MailKind::kFollowUpAttended, locale, full_data(locale)).body;
    const std::string absent =
        render_mail(MailKind::kFollowUpAbsent, locale, full_data(locale)).body;
    for (const char* url :
         {"https://survey.example.jp/midnet2024", "https://www.pmda.go.jp/files/midnet2024.pdf",
          "https://video.example.jp/midnet2024"}) {
      EXPECT_TRUE(contains(attended, url)) << url;
      EXPECT_TRUE(contains(absent, url)) << url;
    }
    EXPECT_TRUE(contains(attended, "https://regdesk.example.jp/certificate/c3rT1f1cAtE"));
    EXPECT_TRUE(contains(attended, "165"));
    EXPECT_FALSE(contains(absent, "/certificate/"));
    // Without links, their headings go too.
    json bare = full_data(locale);
    bare.erase("follow_up");
    bare.erase("certificate_url");
    bare.erase("minutes_attended");
    const std::string plain = render_mail(MailKind::kFollowUpAttended, locale, bare).body;
    EXPECT_FALSE(contains(plain, locale == "en" ? "Survey:" : "【アンケートのお願い】"));
    EXPECT_FALSE(contains(plain, locale == "en" ? "Certificate" : "【参加証明書】"));
  }
}

TEST(MailTemplates, TextIsNotHtmlEscaped) {
  for (MailKind kind : kAllKinds) {
    for (const auto& locale : kLocales) {
      SCOPED_TRACE(label(kind, locale));
      const RenderedMail mail = render_mail(kind, locale, full_data(locale));
      EXPECT_TRUE(contains(mail.body, kOrganisation));
      EXPECT_FALSE(contains(mail.body, "&amp;"));
      EXPECT_FALSE(contains(mail.body, "&lt;"));
      EXPECT_FALSE(contains(mail.body, "&quot;"));
      EXPECT_FALSE(contains(mail.body, "&#"));
    }
  }
  json data = full_data("ja");
  data["announcement"]["subject"] = "Q&A <重要>";
  EXPECT_EQ(render_mail(MailKind::kAnnouncement, "ja", data).subject,
            "【MID-NET®シンポジウム 2024】Q&A <重要>");
}

TEST(MailTemplates, JapaneseSubjectsStartWithTheirTagAndTheTitle) {
  const std::string title = "MID-NET®シンポジウム 2024";
  const json data = full_data("ja");
  EXPECT_EQ(render_mail(MailKind::kConfirmation, "ja", data).subject, "【受付完了】" + title);
  EXPECT_EQ(render_mail(MailKind::kWaitlisted, "ja", data).subject, "【キャンセル待ち】" + title);
  EXPECT_EQ(render_mail(MailKind::kPromoted, "ja", data).subject, "【参加確定】" + title);
  EXPECT_EQ(render_mail(MailKind::kCancellation, "ja", data).subject, "【キャンセル受付】" + title);
  EXPECT_EQ(render_mail(MailKind::kMeetingLink, "ja", data).subject, "【参加URLのご案内】" + title);
  EXPECT_EQ(render_mail(MailKind::kReminder, "ja", data).subject, "【リマインド】" + title);
  EXPECT_EQ(render_mail(MailKind::kAnnouncement, "ja", data).subject,
            "【" + title + "】プログラムの一部変更について");
}

TEST(MailTemplates, EnglishSubjectsNameTheEvent) {
  for (MailKind kind : kAllKinds) {
    SCOPED_TRACE(to_string(kind));
    EXPECT_TRUE(
        contains(render_mail(kind, "en", full_data("en")).subject, "MID-NET® Symposium 2024"));
  }
}

TEST(MailTemplates, ConfirmationCarriesNumberCancelLinkCalendarAndContact) {
  for (const auto& locale : kLocales) {
    SCOPED_TRACE(locale);
    const std::string body = render_mail(MailKind::kConfirmation, locale, full_data(locale)).body;
    EXPECT_TRUE(contains(body, "MN24-0042"));
    EXPECT_TRUE(contains(body, kCancelUrl));
    EXPECT_TRUE(contains(body, ".ics"));
    EXPECT_TRUE(contains(body, "wakaru-midnet@pmda.go.jp"));
    EXPECT_TRUE(contains(body, "03-3506-9710"));
    EXPECT_TRUE(contains(body, "https://www.pmda.go.jp/safety/symposia/0027.html"));
  }
  const std::string ja = render_mail(MailKind::kConfirmation, "ja", full_data("ja")).body;
  EXPECT_TRUE(contains(ja, "受付番号"));
  EXPECT_TRUE(contains(ja, "オンライン（Web会議システム）"));
  EXPECT_TRUE(contains(ja, "2024年2月28日(水) 14:00〜17:00（日本時間）"));
  EXPECT_TRUE(contains(ja, "自動"));
}

TEST(MailTemplates, LateConfirmationSaysTheJoinLinkFollowsSeparately) {
  for (MailKind kind : {MailKind::kConfirmation, MailKind::kPromoted}) {
    json data = full_data("ja");
    const std::string on_time = render_mail(kind, "ja", data).body;
    EXPECT_TRUE(contains(on_time, "開催日の前に"));
    EXPECT_FALSE(contains(on_time, "まもなく"));
    data["is_late"] = true;
    const std::string late = render_mail(kind, "ja", data).body;
    EXPECT_TRUE(contains(late, "このメールとは別に、まもなく"));
    EXPECT_FALSE(contains(late, "開催日の前に"));
    EXPECT_FALSE(contains(late, kJoinUrl));

    json en = full_data("en");
    en["is_late"] = true;
    EXPECT_TRUE(contains(render_mail(kind, "en", en).body, "shortly in a separate email"));
  }
}

TEST(MailTemplates, JoinLinkOnlyInMeetingLinkAndReminder) {
  for (MailKind kind : kAllKinds) {
    for (const auto& locale : kLocales) {
      SCOPED_TRACE(label(kind, locale));
      const RenderedMail mail = render_mail(kind, locale, full_data(locale));
      const bool expected = kind == MailKind::kMeetingLink || kind == MailKind::kReminder;
      EXPECT_EQ(contains(mail.body, kJoinUrl), expected);
      EXPECT_FALSE(contains(mail.subject, kJoinUrl));
    }
  }
}

TEST(MailTemplates, ReminderWithoutMeetingLinkPointsToTheSeparateMail) {
  json data = full_data("ja");
  data["has_meeting_link"] = false;
  const std::string body = render_mail(MailKind::kReminder, "ja", data).body;
  EXPECT_FALSE(contains(body, kJoinUrl));
  EXPECT_TRUE(contains(body, "このメールとは別にお送りします"));
  EXPECT_TRUE(contains(body, "開催1日前となりましたので"));
}

TEST(MailTemplates, PasscodeSectionDisappearsWhenEmpty) {
  for (MailKind kind : {MailKind::kMeetingLink, MailKind::kReminder}) {
    for (const auto& locale : kLocales) {
      SCOPED_TRACE(label(kind, locale));
      const std::string word = locale == "en" ? "Passcode" : "パスコード";
      json data = full_data(locale);
      const std::string with = render_mail(kind, locale, data).body;
      EXPECT_TRUE(contains(with, word));
      EXPECT_TRUE(contains(with, "482913"));

      data["passcode"] = "";
      const std::string empty = render_mail(kind, locale, data).body;
      EXPECT_FALSE(contains(empty, word));
      EXPECT_FALSE(contains(empty, "\n\n\n"));

      data.erase("passcode");
      EXPECT_EQ(render_mail(kind, locale, data).body, empty);
    }
  }
}

TEST(MailTemplates, MeetingLinkSaysWhenTheLinkWorks) {
  EXPECT_TRUE(contains(render_mail(MailKind::kMeetingLink, "ja", full_data("ja")).body,
                       "このURLは、2024年2月28日(水) 13:30からご利用いただけます。"));
  EXPECT_TRUE(contains(render_mail(MailKind::kMeetingLink, "en", full_data("en")).body,
                       "The link works from Wed 28 Feb 2024, 13:30."));
}

TEST(MailTemplates, OptionalValuesLeaveNoEmptyLabels) {
  json data = full_data("ja");
  data.erase("self_url");
  data["contact"]["phone"] = "";
  for (MailKind kind : kAllKinds) {
    SCOPED_TRACE(to_string(kind));
    const std::string body = render_mail(kind, "ja", data).body;
    EXPECT_FALSE(contains(body, "電話："));
    EXPECT_FALSE(contains(body, "registration?token="));
    EXPECT_FALSE(contains(body, "\n\n\n"));
  }
  EXPECT_TRUE(contains(render_mail(MailKind::kConfirmation, "ja", full_data("ja")).body,
                       "registration?token=s3lFvIeW0nLy"));
}

TEST(MailTemplates, WaitlistNoticeGivesPositionAndWayOut) {
  const std::string ja = render_mail(MailKind::kWaitlisted, "ja", full_data("ja")).body;
  EXPECT_TRUE(contains(ja, "7番目"));
  EXPECT_TRUE(contains(ja, kCancelUrl));
  const std::string en = render_mail(MailKind::kWaitlisted, "en", full_data("en")).body;
  EXPECT_TRUE(contains(en, "Position on the waiting list:\n7\n"));
  EXPECT_TRUE(contains(en, kCancelUrl));
}

TEST(MailTemplates, AnnouncementKeepsTheOrganisersTextAndSubjectStaysOneLine) {
  json data = full_data("ja");
  data["announcement"]["subject"] = "重要：\r\n開始時刻の変更";
  const RenderedMail mail = render_mail(MailKind::kAnnouncement, "ja", data);
  EXPECT_EQ(mail.subject, "【MID-NET®シンポジウム 2024】重要： 開始時刻の変更");
  EXPECT_TRUE(contains(mail.body,
                       "パネルディスカッションの開始時刻を16:00に変更しました。\n"
                       "終了時刻に変更はありません。\n"));
  EXPECT_TRUE(contains(mail.body, "MN24-0042"));
}

TEST(MailTemplates, BodyLinesFitSeventyColumnsExceptUrls) {
  for (MailKind kind : kAllKinds) {
    for (const auto& locale : kLocales) {
      SCOPED_TRACE(label(kind, locale));
      json data = full_data(locale);
      // A long value must be wrapped too.
      data["name"] = locale == "en"
                         ? "Professor Alexandra Konstantinopoulou-Whitfield of the Department of "
                           "Pharmacoepidemiology"
                         : "独立行政法人医薬品医療機器総合機構医療情報科学部医療情報活用推進課"
                           "担当者山田太郎";
      const RenderedMail mail = render_mail(kind, locale, data);
      for (const auto& line : lines_of(mail.body)) {
        if (contains(line, "http://") || contains(line, "https://")) continue;
        EXPECT_LE(columns(line), 70u) << line;
      }
    }
  }
}

TEST(MailTemplates, UnknownLocaleFallsBackToJapanese) {
  for (MailKind kind : kAllKinds) {
    SCOPED_TRACE(to_string(kind));
    const json data = full_data("ja");
    const RenderedMail ja = render_mail(kind, "ja", data);
    for (const char* locale : {"fr", "", "zz-ZZ", "ja-JP"}) {
      const RenderedMail other = render_mail(kind, locale, data);
      EXPECT_EQ(other.subject, ja.subject) << locale;
      EXPECT_EQ(other.body, ja.body) << locale;
    }
    EXPECT_EQ(render_mail(kind, "en-GB", data).subject, render_mail(kind, "en", data).subject);
  }
}

TEST(MailTemplates, MissingTemplateThrows) {
  EXPECT_THROW(render_mail(static_cast<MailKind>(99), "ja", full_data("ja")), std::runtime_error);
  EXPECT_THROW(render_mail(static_cast<MailKind>(99), "en", full_data("en")), std::runtime_error);
}

TEST(MailTemplates, KindNamesRoundTrip) {
  for (MailKind kind : kAllKinds) {
    EXPECT_EQ(mail_kind_from_string(to_string(kind)), kind);
  }
  EXPECT_STREQ(to_string(MailKind::kMeetingLink), "meeting_link");
  EXPECT_EQ(mail_kind_from_string("Confirmation"), std::nullopt);
  EXPECT_EQ(mail_kind_from_string(""), std::nullopt);
}

TEST(EventTime, SeedEventPeriod) {
  const Instant starts = at("2024-02-28T14:00:00+09:00");
  const Instant ends = at("2024-02-28T17:00:00+09:00");
  EXPECT_EQ(format_event_period(starts, ends, "Asia/Tokyo", "ja"),
            "2024年2月28日(水) 14:00〜17:00（日本時間）");
  EXPECT_EQ(format_event_period(starts, ends, "Asia/Tokyo", "en"),
            "Wed 28 Feb 2024, 14:00–17:00 (Japan time)");
  EXPECT_EQ(format_event_period(starts, ends, "Asia/Tokyo", "fr"),
            "2024年2月28日(水) 14:00〜17:00（日本時間）");
}

TEST(EventTime, ShownInTheEventsZoneNotUtc) {
  // 05:00 UTC is 14:00 in Tokyo; 23:30 UTC on the 27th is already the 28th there.
  EXPECT_EQ(format_local_time(at("2024-02-28T05:00:00Z"), "Asia/Tokyo", "ja"),
            "2024年2月28日(水) 14:00");
  EXPECT_EQ(format_local_time(at("2024-02-27T23:30:00Z"), "Asia/Tokyo", "en"),
            "Wed 28 Feb 2024, 08:30");
  EXPECT_EQ(format_local_time(at("2024-02-28T13:30:00+09:00"), "Asia/Tokyo", "ja"),
            "2024年2月28日(水) 13:30");
}

TEST(EventTime, EveryWeekdayName) {
  const char* ja[] = {"(日)", "(月)", "(火)", "(水)", "(木)", "(金)", "(土)"};
  const char* en[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  // 2024-03-03 is a Sunday.
  for (int d = 0; d < 7; ++d) {
    const std::string day = "2024-03-0" + std::to_string(3 + d) + "T10:00:00+09:00";
    EXPECT_TRUE(contains(format_local_time(at(day.c_str()), "Asia/Tokyo", "ja"), ja[d])) << day;
    EXPECT_EQ(format_local_time(at(day.c_str()), "Asia/Tokyo", "en").substr(0, 3), en[d]) << day;
  }
}

TEST(EventTime, PeriodOverMidnightShowsTheEndDate) {
  const Instant starts = at("2024-12-31T22:00:00+09:00");
  const Instant ends = at("2025-01-01T01:30:00+09:00");
  EXPECT_EQ(format_event_period(starts, ends, "Asia/Tokyo", "ja"),
            "2024年12月31日(火) 22:00〜2025年1月1日(水) 01:30（日本時間）");
  EXPECT_EQ(format_event_period(starts, ends, "Asia/Tokyo", "en"),
            "Tue 31 Dec 2024, 22:00 – Wed 1 Jan 2025, 01:30 (Japan time)");
}

TEST(EventTime, OtherZonesAreLabelledByName) {
  const Instant starts = at("2024-07-01T09:00:00Z");
  const Instant ends = at("2024-07-01T11:00:00Z");
  EXPECT_EQ(format_event_period(starts, ends, "Europe/Berlin", "en"),
            "Mon 1 Jul 2024, 11:00–13:00 (Europe/Berlin)");
  EXPECT_EQ(format_event_period(starts, ends, "Europe/Berlin", "ja"),
            "2024年7月1日(月) 11:00〜13:00（Europe/Berlin）");
  EXPECT_THROW(format_local_time(starts, "Mars/Olympus", "ja"), std::runtime_error);
}

}  // namespace
}  // namespace regdesk::mail
