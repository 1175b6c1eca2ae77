// The worker's pure parts: the retry schedule and the message built for each kind of mail.

#include "mail/outbox_worker.hpp"

#include <gtest/gtest.h>

#include "domain/time.hpp"

namespace regdesk::mail {
namespace {

Instant at(const char* t) {
  return *parse_rfc3339(t);
}

store::OutboxItem item(const std::string& kind, const std::string& locale = "ja") {
  store::OutboxItem it;
  it.id = 42;
  it.kind = kind;
  it.dedupe_key = kind == "reminder" ? "reminder:P1D" : kind;
  it.attempts = 1;
  it.public_id = "0123456789abcdef0123456789abcdef";
  it.number = 7;
  it.status = "confirmed";
  it.email = "taro@example.jp";
  it.name = "山田 太郎";
  it.locale = locale;
  it.event.slug = "midnet-symposium-2024";
  it.event.title = {"MID-NET®シンポジウム 2024", "MID-NET® Symposium 2024"};
  it.event.starts_at = at("2024-02-28T14:00:00+09:00");
  it.event.ends_at = at("2024-02-28T17:00:00+09:00");
  it.event.meeting_url = "https://meet.example.jp/j/1";
  it.event.meeting_passcode = "4242";
  it.event.contact = {"PMDA 問合せ窓口", "wakaru-midnet@pmda.go.jp", "03-3506-9710"};
  it.manage_token = "MANAGEtokenMANAGEtoken";
  it.join_token = "JOINtokenJOINtokenJOIN";
  return it;
}

WorkerSettings settings() {
  WorkerSettings s;
  s.from = "MID-NET 参加登録 <no-reply@regdesk.example.jp>";
  s.public_url = "https://regdesk.example.jp/";
  return s;
}

const Instant kNow = at("2024-01-15T10:00:00+09:00");

TEST(RetryDelay, GrowsThenStaysHourly) {
  std::vector<long long> got;
  for (int attempts = 1; attempts <= 8; ++attempts) got.push_back(retry_delay(attempts).count());
  EXPECT_EQ(got, (std::vector<long long>{10, 30, 60, 300, 900, 3600, 3600, 3600}));
}

TEST(WorkerSettings, ALeaseHoldsOnlyWhatCanBeSentInIt) {
  WorkerSettings s = settings();
  s.smtp.timeout_seconds = 30;
  s.lease = std::chrono::seconds(300);
  s.batch_size = 50;
  EXPECT_EQ(s.longest_send().count(), 31);
  EXPECT_EQ(s.claim_size(), 50u);  // unpaced: the batch; a slow relay is caught while sending
  s.messages_per_minute = 240;
  EXPECT_EQ(s.longest_send().count(), 32);
  EXPECT_EQ(s.claim_size(), 50u);  // 1,200 fit in the lease
  s.messages_per_minute = 6;       // one every 10 s: 30 fit, half of them are claimed
  EXPECT_EQ(s.longest_send().count(), 41);
  EXPECT_EQ(s.claim_size(), 15u);
  s.messages_per_minute = 7;  // an interval of 8.6 s counts as 9
  EXPECT_EQ(s.longest_send().count(), 40);
  s.messages_per_minute = 1;
  EXPECT_EQ(s.claim_size(), 2u);
}

TEST(BuildMessage, ConfirmationHasTheCalendarAndCancelLinkButNoJoinLink) {
  Message m = build_message(item("confirmation"), settings(), kNow);
  EXPECT_EQ(m.to_address, "taro@example.jp");
  EXPECT_EQ(m.from_address, "no-reply@regdesk.example.jp");
  EXPECT_EQ(m.from_name, "MID-NET 参加登録");
  EXPECT_EQ(m.reply_to_address, "wakaru-midnet@pmda.go.jp");
  EXPECT_NE(m.subject.find("【受付完了】"), std::string::npos);
  EXPECT_NE(m.text_body.find("https://regdesk.example.jp/cancel?token=MANAGEtokenMANAGEtoken"),
            std::string::npos);
  EXPECT_EQ(m.text_body.find("/join/"), std::string::npos);
  ASSERT_EQ(m.attachments.size(), 1u);
  EXPECT_EQ(m.attachments[0].filename, "event.ics");
  EXPECT_NE(m.attachments[0].data.find("UID:midnet-symposium-2024@regdesk.example.jp"),
            std::string::npos);
  EXPECT_EQ(m.attachments[0].data.find("JOINtoken"), std::string::npos);
}

TEST(BuildMessage, MessageIdIsStablePerOutboxRow) {
  Message a = build_message(item("confirmation"), settings(), kNow);
  Message b = build_message(item("confirmation"), settings(), kNow + std::chrono::hours(1));
  EXPECT_EQ(a.message_id, b.message_id);
  EXPECT_EQ(a.message_id, "outbox-42.midnet-symposium-2024@regdesk.example.jp");
}

TEST(BuildMessage, MeetingLinkAndReminderCarryThePersonalJoinLink) {
  for (const char* kind : {"meeting_link", "reminder"}) {
    SCOPED_TRACE(kind);
    Message m = build_message(item(kind), settings(), kNow);
    EXPECT_NE(m.text_body.find("https://regdesk.example.jp/join/JOINtokenJOINtokenJOIN"),
              std::string::npos);
    EXPECT_NE(m.text_body.find("4242"), std::string::npos);
    EXPECT_TRUE(m.attachments.empty());
  }
  EXPECT_NE(build_message(item("reminder"), settings(), kNow).text_body.find("1日前"),
            std::string::npos);
}

TEST(BuildMessage, TheRegistrantsLanguageIsUsed) {
  Message m = build_message(item("confirmation", "en"), settings(), kNow);
  EXPECT_NE(m.subject.find("MID-NET® Symposium 2024"), std::string::npos);
  EXPECT_EQ(m.subject.find("受付"), std::string::npos);
}

TEST(BuildMessage, AnnouncementUsesItsOwnSubjectAndBody) {
  auto it = item("announcement");
  it.announcement = store::AnnouncementText{{"資料公開のお知らせ", "Slides"},
                                            {"資料を公開しました。", "Online."}};
  Message m = build_message(it, settings(), kNow);
  EXPECT_NE(m.subject.find("資料公開のお知らせ"), std::string::npos);
  EXPECT_NE(m.text_body.find("資料を公開しました。"), std::string::npos);
}

TEST(BuildMessage, AnUnknownKindIsAnError) {
  EXPECT_THROW(build_message(item("carrier_pigeon"), settings(), kNow), std::runtime_error);
}

}  // namespace
}  // namespace regdesk::mail
