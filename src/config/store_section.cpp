// The `store` section: where the sealed reading store lives, how often it flushes, how readings
// are grouped into chunks, how long they are kept, and where the sealing keys come from
// (src/store/store.hpp StoreOptions, docs/store.md).
#include <chrono>
#include <string>

#include "src/config/quote.hpp"
#include "src/config/sections.hpp"

namespace meterd::config {
namespace {

using namespace std::chrono_literals;

constexpr std::chrono::milliseconds kDay = 24h;
constexpr std::size_t kMinQueued = 1000;
constexpr std::size_t kMaxQueued = 10'000'000;

// Empty when `name` can name a file under $CREDENTIALS_DIRECTORY (systemd.exec(5),
// "Credentials": a plain file name), else what is wrong with it.
std::string check_credential(const std::string& name) {
  if (name.empty()) return "expected a credential name, found an empty string";
  if (name == "." || name == ".." || name.find('/') != std::string::npos) {
    return "expected a credential name (a file name, no '/'), found " + quote(name);
  }
  return {};
}

}  // namespace

void read_store(SectionReader& section, StoreConfig& out) {
  section.get_path("path", out.path);
  const bool window_ok = section.get_duration("window", out.window, 1min, 1h);
  if (window_ok && kDay.count() % out.window.count() != 0) {
    section.report("window",
                   "expected a duration that divides a day (e.g. 1min, 5min, 10min, "
                   "15min, 1h), found " +
                       quote(format_duration(out.window)));
    out.window = StoreConfig{}.window;
  }
  if (section.get_duration("flush_interval", out.flush_interval, 100ms, 1min) &&
      out.flush_interval > out.window) {
    section.report("flush_interval", "must not be longer than store.window (" +
                                         format_duration(out.window) + "), found " +
                                         quote(format_duration(out.flush_interval)));
  }
  if (section.get_duration("close_grace", out.close_grace, 0ms, 1h) &&
      out.close_grace > out.window) {
    section.report("close_grace", "must not be longer than store.window (" +
                                      format_duration(out.window) + "), found " +
                                      quote(format_duration(out.close_grace)));
  }
  section.get_duration("retention", out.retention, 1h, 3650 * kDay);
  section.get_duration("retention_interval", out.retention_interval, 1s, kDay);
  section.get_size("quota", out.quota_bytes, 0);
  section.get_size("min_free", out.min_free_bytes, 0);
  section.get_int("max_queued_readings", out.max_queued_readings, kMinQueued, kMaxQueued);
  section.get_path("key_dir", out.key_dir);
  std::string credential;
  if (section.get_string("key_credential", credential)) {
    if (const std::string problem = check_credential(credential); problem.empty()) {
      out.key_credential = std::move(credential);
    } else {
      section.report("key_credential", problem);
    }
  }
}

void default_store_paths(const GatewayConfig& gateway, StoreConfig& out) {
  if (out.path.empty()) out.path = gateway.state_dir / "store.db";
  if (out.key_dir.empty()) out.key_dir = gateway.state_dir / "keys";
}

}  // namespace meterd::config
