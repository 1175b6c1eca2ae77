#include "http/event_cache.hpp"

#include "http/blocking_pool.hpp"
#include "store/connection_pool.hpp"

namespace regdesk::http {

void EventCache::put(const std::string& slug, std::optional<store::StoredEvent> e) {
  std::lock_guard lock(mu_);
  if (!e) {  // unknown slugs are not remembered: the map must not grow with what clients invent
    slots_.erase(slug);
    return;
  }
  Slot& s = slots_[slug];
  s.entry = std::make_shared<const store::StoredEvent>(std::move(*e));
  s.fetched = std::chrono::steady_clock::now();
  s.refreshing = false;
}

void EventCache::refresh(const std::string& slug) {
  try {
    put(slug, events_.find(slug));
  } catch (const store::DatabaseUnavailable&) {
    // Keep serving what we have; try again after another kFresh.
    std::lock_guard lock(mu_);
    Slot& s = slots_[slug];
    s.refreshing = false;
    s.fetched = std::chrono::steady_clock::now();
  }
}

EventCache::Entry EventCache::cached(const std::string& slug) {
  Entry entry;
  bool start_refresh = false;
  {
    std::lock_guard lock(mu_);
    auto it = slots_.find(slug);
    if (it == slots_.end()) return nullptr;
    entry = it->second.entry;
    if (!it->second.refreshing &&
        std::chrono::steady_clock::now() - it->second.fetched > kFresh) {
      it->second.refreshing = true;
      start_refresh = true;
    }
  }
  if (start_refresh && !pool_.post([this, slug] { refresh(slug); })) {
    std::lock_guard lock(mu_);
    slots_[slug].refreshing = false;
  }
  return entry;
}

void EventCache::get(const std::string& slug, Callback done) {
  if (Entry entry = cached(slug)) return done(entry, false);
  bool posted = pool_.post([this, slug, done] {
    try {
      auto e = events_.find(slug);
      put(slug, e);
      done(e ? std::make_shared<const store::StoredEvent>(std::move(*e)) : nullptr, false);
    } catch (const store::DatabaseUnavailable&) {
      done(nullptr, true);
    }
  });
  if (!posted) done(nullptr, true);
}

}  // namespace regdesk::http
