#include "src/acquisition/bus_worker.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <exception>
#include <utility>

namespace meterd::acquisition {

namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;

// The longest the worker sleeps without re-reading the schedule (also bounds a wait when
// nothing is scheduled at all).
constexpr std::chrono::milliseconds kMaxSleep{1000};

// identify() reports no TransactionCounts: count it as one request, a failure by its code.
TransactionCounts identify_counts(const Result<std::string>& r) {
  TransactionCounts c;
  c.requests = 1;
  if (r) return c;
  const Error e = r.error();
  if (e.is(Errc::timeout)) {
    c.timeouts = 1;
  } else if (e.is(Errc::crc_error)) {
    c.crc_errors = 1;
  } else if (e.is(Errc::exception_reply)) {
    c.exception_replies = 1;
  } else {
    c.other_errors = 1;
  }
  return c;
}

// Runs a driver or link call. A driver must return errors as values; one that throws anyway is
// treated as a protocol error rather than taking the bus thread (and the daemon) down.
template <class F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {
    return Error(Errc::protocol_error, std::string("driver threw: ") + e.what());
  }
}

}  // namespace

Outcome classify(const Error& e) noexcept {
  if (e.is(Errc::timeout)) return Outcome::timeout;
  if (e.is(Errc::io_error)) return Outcome::link_error;
  return Outcome::failed;
}

BusWorker::BusWorker(BusSpec spec, const Clock& clock, boost::asio::io_context& io,
                     std::shared_ptr<Delivery> delivery, StatusBoard& board,
                     std::shared_ptr<spdlog::logger> logger)
    : spec_(std::move(spec)),
      clock_(clock),
      io_(io),
      delivery_(std::move(delivery)),
      board_(board),
      logger_(std::move(logger)),
      throttle_(clock, logger_, spec_.log_period) {
  if (!spec_.random) spec_.random = make_uniform_random();
  for (const auto& m : spec_.meters) {
    board_index_.push_back(board_.add(m->meter_id(), spec_.name, m->protocol()));
  }
  serials_.resize(spec_.meters.size());
  overruns_.resize(spec_.meters.size());
  last_overrun_.resize(spec_.meters.size());
}

BusWorker::~BusWorker() {
  request_stop();
  join();
}

void BusWorker::start() {
  if (thread_.joinable()) return;
  schedule_.emplace(spec_.schedule, spec_.random, clock_.mono_now());
  for (const auto& m : spec_.meters) {
    std::vector<std::chrono::milliseconds> intervals;
    for (const PollGroup& g : m->groups()) intervals.push_back(g.interval);
    schedule_->add_meter(intervals);
  }
  {
    std::lock_guard lock(mutex_);
    stop_ = false;
  }
  thread_ = std::thread([this] { run(); });
}

void BusWorker::request_stop() {
  std::lock_guard lock(mutex_);
  stop_ = true;
  wake_.notify_all();
}

void BusWorker::join() {
  if (!thread_.joinable()) return;
  thread_.join();
  if (spec_.link && spec_.link->is_open()) spec_.link->close();
}

void BusWorker::run() {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stop_) return;
    }
    const MonoTime now = clock_.mono_now();
    if (auto task = schedule_->next(now)) {
      execute(*task);
      sync_overruns();
      continue;
    }
    const auto wait = std::clamp<MonoTime::duration>(schedule_->next_wakeup() - now,
                                                     MonoTime::duration::zero(), kMaxSleep);
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, wait, [this] { return stop_; });
  }
}

void BusWorker::execute(const Task& task) {
  switch (task.kind) {
    case TaskKind::open_link: open_link(task); return;
    case TaskKind::identify: identify(task); return;
    case TaskKind::poll: poll(task); return;
  }
}

std::string BusWorker::failure_detail(const Error& e) const {
  if (classify(e) == Outcome::link_error) return spec_.link->describe() + ": " + e.message();
  return e.message();
}

std::string BusWorker::meter_key(std::size_t meter) const {
  return "meter " + spec_.meters[meter]->meter_id() + " on bus " + spec_.name;
}

void BusWorker::open_link(const Task& task) {
  auto r = guarded([&] { return spec_.link->open(); });
  const std::string detail =
      r ? spec_.link->describe() : spec_.link->describe() + ": " + r.error().message();
  const Outcome outcome = r ? Outcome::ok : classify(r.error());
  const Transition t = schedule_->completed(task, outcome, clock_.mono_now());
  if (r) {
    throttle_.clear("link", "bus " + spec_.name + ": link open " + detail);
  } else {
    throttle_.occurred("link", "bus " + spec_.name + ": cannot open link " + detail);
  }
  apply(t, 0, detail);
}

void BusWorker::identify(const Task& task) {
  MeterDriver& driver = *spec_.meters[task.meter];
  auto r = guarded([&] { return driver.identify(); });
  const Outcome outcome = r ? Outcome::ok : classify(r.error());
  if (outcome == Outcome::link_error) spec_.link->close();
  const Transition t = schedule_->completed(task, outcome, clock_.mono_now());
  const std::string key = meter_key(task.meter);
  board_.update(board_index_[task.meter],
                [&](MeterStats& s) { s.record_identify(identify_counts(r)); });
  if (!r) {
    throttle_.occurred(key, key + ": identify failed: " + r.error().message());
    apply(t, task.meter, failure_detail(r.error()));
    return;
  }
  std::string& known = serials_[task.meter];
  if (!known.empty() && known != *r) {
    logger_->warn("{}: meter swapped: serial {} -> {}", key, known, *r);
    post_event(EventKind::meter_swapped, driver.meter_id(), "serial " + known + " -> " + *r);
  }
  known = *r;
  board_.update(board_index_[task.meter], [&](MeterStats& s) { s.set_serial(known); });
  throttle_.clear(key, key + ": answering again");
  apply(t, task.meter, "serial " + known);
}

void BusWorker::poll(const Task& task) {
  MeterDriver& driver = *spec_.meters[task.meter];
  TransactionCounts counts;
  const MonoTime started = clock_.mono_now();
  auto r = guarded([&] { return driver.poll(task.group, counts); });
  const ClockSample done = ClockSample::take(clock_);
  const auto latency = duration_cast<microseconds>(done.mono - started);
  const Outcome outcome = r ? Outcome::ok : classify(r.error());
  if (outcome == Outcome::link_error) spec_.link->close();
  const Transition t = schedule_->completed(task, outcome, done.mono);
  board_.update(board_index_[task.meter],
                [&](MeterStats& s) { s.record_poll(counts, r.has_value(), latency, done.utc); });
  const std::string key = meter_key(task.meter);
  if (!r) {
    const std::string& group = driver.groups().at(task.group).name;
    throttle_.occurred(key, key + ": poll " + group + " failed: " + r.error().message());
    apply(t, task.meter, failure_detail(r.error()));
    return;
  }
  throttle_.clear(key, key + ": answering again");
  Reading reading = std::move(*r);
  if (reading.meter_id.empty()) reading.meter_id = driver.meter_id();
  boost::asio::post(io_,
                    [d = delivery_, log = logger_, reading = std::move(reading), done]() mutable {
                      try {
                        d->deliver(std::move(reading), done);
                      } catch (const std::exception& e) {
                        log->error("reading sink threw: {}", e.what());
                      }
                    });
  apply(t, task.meter, {});
}

void BusWorker::apply(const Transition& t, std::size_t meter, const std::string& detail) {
  if (t.link_lost) {
    logger_->warn("bus {}: link lost: {}", spec_.name, detail);
    post_event(EventKind::link_lost, {}, detail);
  }
  if (t.link_reopened) {
    logger_->info("bus {}: link reopened: {}", spec_.name, detail);
    post_event(EventKind::link_reopened, {}, detail);
  }
  if (t.went_offline || t.came_online) {
    const bool online = t.came_online;
    const std::string& id = spec_.meters[meter]->meter_id();
    board_.update(board_index_[meter], [&](MeterStats& s) { s.set_online(online); });
    logger_->info("{}: {} ({})", meter_key(meter), online ? "online" : "offline", detail);
    post_event(online ? EventKind::meter_online : EventKind::meter_offline, id, detail);
  }
}

void BusWorker::sync_overruns() {
  const MonoTime now = clock_.mono_now();
  for (std::size_t i = 0; i < spec_.meters.size(); ++i) {
    const std::string key = "overrun " + meter_key(i);
    const std::uint64_t n = schedule_->overruns(i);
    if (n == overruns_[i]) {
      // A whole log period without a skipped slot: the bus keeps up again.
      if (throttle_.active(key) && now - last_overrun_[i] >= spec_.log_period) {
        throttle_.clear(key, meter_key(i) + ": bus keeps up again");
      }
      continue;
    }
    overruns_[i] = n;
    last_overrun_[i] = now;
    board_.update(board_index_[i], [&](MeterStats& s) { s.set_overruns(n); });
    throttle_.occurred(key, meter_key(i) + ": bus cannot keep up, poll slots skipped");
  }
}

void BusWorker::post_event(EventKind kind, const std::string& meter_id, std::string detail) {
  Event e{.time = clock_.utc_now(),
          .bus = spec_.name,
          .meter_id = meter_id,
          .kind = kind,
          .detail = std::move(detail)};
  boost::asio::post(io_, [d = delivery_, log = logger_, e = std::move(e)] {
    try {
      d->deliver(e);
    } catch (const std::exception& ex) {
      log->error("event sink threw: {}", ex.what());
    }
  });
}

}  // namespace meterd::acquisition
