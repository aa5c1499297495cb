#include "tests/integration/acquisition_harness.hpp"

#include <stdexcept>

namespace meterd::integration {

void ReadingRecorder::publish(const Reading& r) {
  const std::lock_guard lock(mutex_);
  readings_.emplace_back(r.meter_id, r.time);
}

std::size_t ReadingRecorder::count(std::string_view meter_id) const {
  const std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [id, t] : readings_) n += id == meter_id ? 1 : 0;
  return n;
}

std::vector<UtcTime> ReadingRecorder::times(std::string_view meter_id) const {
  const std::lock_guard lock(mutex_);
  std::vector<UtcTime> out;
  for (const auto& [id, t] : readings_) {
    if (id == meter_id) out.push_back(t);
  }
  return out;
}

namespace {

config::Config load(std::string_view yaml) {
  auto r = config::load_config_text(yaml, "test.yaml");
  if (!r) throw std::runtime_error(r.error().to_string());
  return std::move(*r);
}

}  // namespace

AcquisitionHarness::AcquisitionHarness(std::string_view yaml) : config_(load(yaml)) {
  fanout_.add(latest_);
  fanout_.add(recorder_);
  service_ = std::make_unique<app::AcquisitionService>(io_, clock_, fanout_, events_, config_);
}

AcquisitionHarness::~AcquisitionHarness() { stop(); }

void AcquisitionHarness::start() {
  if (auto started = service_->start(); !started) {
    throw std::runtime_error("acquisition did not start: " + started.error().message());
  }
  work_.emplace(io_.get_executor());
  thread_ = std::thread([this] { io_.run(); });
}

void AcquisitionHarness::stop() {
  if (thread_.joinable()) {
    work_.reset();
    io_.stop();
    thread_.join();
  }
  bool done = false;
  service_->async_stop([&done] { done = true; });
  if (!done) throw std::logic_error("AcquisitionService::async_stop did not complete");
}

bool AcquisitionHarness::wait_until(const std::function<bool()>& condition,
                                    std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  return true;
}

std::optional<MeterStatus> AcquisitionHarness::status(std::string_view meter_id) const {
  for (auto& s : service_->snapshot()) {
    if (s.meter_id == meter_id) return s;
  }
  return std::nullopt;
}

bool AcquisitionHarness::has_event(EventKind kind, std::string_view meter_id) const {
  for (const auto& e : events_.snapshot()) {
    if (e.kind == kind && (meter_id.empty() || e.meter_id == meter_id)) return true;
  }
  return false;
}

}  // namespace meterd::integration
