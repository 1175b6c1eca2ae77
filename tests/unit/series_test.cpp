// Which title a dated series is shown under (domain/series.hpp).

#include "domain/series.hpp"

#include <gtest/gtest.h>

#include "domain/time.hpp"

namespace regdesk {
namespace {

Event date(const std::string& slug, const std::string& starts, const std::string& title,
           const std::string& series_title = "") {
  Event e;
  e.slug = slug;
  e.starts_at = *parse_rfc3339(starts);
  e.ends_at = e.starts_at + std::chrono::minutes(30);
  e.title.ja = title;
  e.series_slug = "slots";
  e.series_title.ja = series_title;
  return e;
}

TEST(SeriesTitle, IsTheSeriesTitleOfTheEarliestDateThatHasOne) {
  Event late = date("c", "2024-03-14T10:00:00+09:00", "14日", "遅い日の名前");
  Event first = date("a", "2024-03-12T10:00:00+09:00", "12日");
  Event middle = date("b", "2024-03-13T10:00:00+09:00", "13日", "Web面会");
  // Given in no particular order: the start decides, not the position.
  EXPECT_EQ(series_title({&late, &first, &middle}).ja, "Web面会");
}

TEST(SeriesTitle, IsTheEarliestDatesOwnTitleWhenNoneHasASeriesTitle) {
  Event second = date("b", "2024-03-13T10:00:00+09:00", "13日の枠");
  Event first = date("a", "2024-03-12T10:00:00+09:00", "12日の枠");
  EXPECT_EQ(series_title({&second, &first}).ja, "12日の枠");
}

TEST(SeriesTitle, AnEnglishOnlySeriesTitleCounts) {
  Event first = date("a", "2024-03-12T10:00:00+09:00", "12日");
  Event second = date("b", "2024-03-13T10:00:00+09:00", "13日");
  second.series_title.en = "Web meetings";
  LocalizedText t = series_title({&first, &second});
  EXPECT_EQ(t.en, "Web meetings");
  EXPECT_EQ(t.in("ja"), "Web meetings");  // no Japanese: the English one, not the date's title
}

TEST(SeriesTitle, SameStartGoesBySlugAsTheListingDoes) {
  Event b = date("slot-b", "2024-03-12T10:00:00+09:00", "B", "B の名前");
  Event a = date("slot-a", "2024-03-12T10:00:00+09:00", "A", "A の名前");
  EXPECT_EQ(series_title({&b, &a}).ja, "A の名前");
}

TEST(SeriesTitle, NoDatesNoTitle) {
  LocalizedText t = series_title({});
  EXPECT_EQ(t.ja, "");
  EXPECT_EQ(t.en, "");
}

}  // namespace
}  // namespace regdesk
