#pragma once
// A dated series: events that name the same "series" (one-person web-meeting slots, one seminar
// held on several days). Each date keeps its own capacity and window; the series only groups
// them for the listing. Pure functions, no I/O.

#include <vector>

#include "domain/event.hpp"

namespace regdesk {

// The title a series is shown under: the series_title of the earliest-starting date that has
// one, else the title of the earliest-starting date. Ties in the start go by slug, as the
// listing orders them. Empty text for no dates.
LocalizedText series_title(const std::vector<const Event*>& dates);

}  // namespace regdesk
