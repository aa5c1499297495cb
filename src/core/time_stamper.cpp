#include "meterd/time_stamper.hpp"

namespace meterd {

TimeStamper::TimeStamper(const Clock& clock, UnsyncedPolicy policy, std::size_t hold_capacity)
    : clock_(clock), policy_(policy), capacity_(hold_capacity == 0 ? 1 : hold_capacity) {}

void TimeStamper::stamp(Reading r, const Emit& emit) {
  const bool synced = clock_.synchronized();
  if (synced && !ever_synced_) {
    ever_synced_ = true;
    release_all(emit);
  }
  if (r.time_sync == TimeSync::meter) {
    emit(std::move(r));
    return;
  }
  r.time = clock_.utc_now();
  if (synced) {
    r.time_sync = TimeSync::synchronized;
    emit(std::move(r));
    return;
  }
  r.time_sync = TimeSync::unsynchronized;
  if (policy_ == UnsyncedPolicy::mark || ever_synced_) {
    // A clock that lost synchronization after having had it drifts slowly: pass on, flagged.
    emit(std::move(r));
    return;
  }
  if (held_.size() == capacity_) {
    emit(std::move(held_.front().reading));
    held_.pop_front();
  }
  held_.push_back({std::move(r), clock_.mono_now()});
}

void TimeStamper::poll(const Emit& emit) {
  if (!ever_synced_ && clock_.synchronized()) {
    ever_synced_ = true;
    release_all(emit);
  }
}

void TimeStamper::release_all(const Emit& emit) {
  const UtcTime utc = clock_.utc_now();
  const MonoTime mono = clock_.mono_now();
  while (!held_.empty()) {
    Held& h = held_.front();
    h.reading.time = utc - std::chrono::duration_cast<std::chrono::milliseconds>(mono - h.mono);
    h.reading.time_sync = TimeSync::corrected;
    emit(std::move(h.reading));
    held_.pop_front();
  }
}

}  // namespace meterd
