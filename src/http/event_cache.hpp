#pragma once
// Event definitions by slug for the sign-up path, so a sign-up needs no database read before
// it joins the admission queue. Entries are refreshed in the background once they are older
// than kFresh; a definition changed by another process is seen within that time. Seat counts
// are NOT taken from here for decisions: the ledger row decides.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "store/event_store.hpp"

namespace regdesk::http {

class BlockingPool;

// Thread-safe.
class EventCache {
 public:
  static constexpr auto kFresh = std::chrono::seconds(1);
  using Entry = std::shared_ptr<const store::StoredEvent>;
  // Called with the event (nullptr: no such event), or `unavailable` = true.
  using Callback = std::function<void(Entry, bool unavailable)>;

  EventCache(store::EventStore& events, BlockingPool& pool) : events_(events), pool_(pool) {}

  // Runs `done` at once when a cached entry exists (starting a refresh if it is stale), or on
  // the blocking pool after a database read.
  void get(const std::string& slug, Callback done);
  // The cached entry, or nullptr when there is none yet (starts a refresh if it is stale): for
  // a caller that continues at once on a hit and only packs itself up for `get` on a miss.
  Entry cached(const std::string& slug);
  // Records what a fresh read returned (e.g. after an admin PUT or a detail GET).
  void put(const std::string& slug, std::optional<store::StoredEvent> e);

 private:
  struct Slot {
    Entry entry;
    std::chrono::steady_clock::time_point fetched;
    bool refreshing = false;
  };
  void refresh(const std::string& slug);

  store::EventStore& events_;
  BlockingPool& pool_;
  std::mutex mu_;
  std::unordered_map<std::string, Slot> slots_;
};

}  // namespace regdesk::http
