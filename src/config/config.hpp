// config/config.hpp: meterd's configuration, one YAML file loaded into typed structs.
//
// load_config() validates the whole file before anything starts: unknown keys are errors (a typo
// never falls back to a default silently), and every problem is reported with file, line and
// column and what was expected, all of them at once rather than the first only. Durations are
// written `500ms`, `1s`, `10min`, `2h`, `1d`; sizes `512MiB`, `2GiB`, `100kB`.
// Sections are added here by the modules that need them; each struct documents its defaults,
// which docs/configuration.md and config/meterd.yaml repeat. A section's reader is one small
// file (src/config/<name>_section.cpp) on top of the SectionReader of yaml_reader.hpp.
// Plain values, thread-safe to copy; the functions are reentrant and never throw on bad input.
#pragma once

#include "meterd/error.hpp"
#include "meterd/obis.hpp"
#include "meterd/time.hpp"
#include "meterd/time_stamper.hpp"
#include "meterd/usage.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace meterd::config {

enum class LogLevel { trace, debug, info, warn, error, critical, off };

struct GatewayConfig {
  static constexpr std::size_t kMaxIdLength = 64;
  std::string id = "meterd";  // gateway.id: names this box upstream; [A-Za-z0-9._-]{1,64}
  // gateway.state_dir; a relative path is resolved against the config file's directory.
  std::filesystem::path state_dir = "/var/lib/meterd";
};

struct LogConfig {
  LogLevel level = LogLevel::info;  // log.level
};

struct TimeConfig {
  static constexpr std::size_t kMaxHoldCapacity = 10'000'000;
  UnsyncedPolicy unsynchronized = UnsyncedPolicy::mark;  // time.unsynchronized: mark | hold
  std::size_t hold_capacity = 100'000;  // time.hold_capacity (readings), 1..kMaxHoldCapacity
};


// buses: the Modbus buses and the meters on them (src/config/bus_section.cpp).
enum class BusTransport { serial, rtu_over_tcp, modbus_tcp, simulator };
enum class Parity { none, even, odd };
// As drivers/modbus/word_order.hpp names them: abcd = high word first (the B-Smart default).
enum class WordOrder { abcd, cdab, badc, dcba };

// buses[].simulator: the in-process simulated B-Smart meters of `transport: simulator`.
struct SimulatorOptions {
  std::uint64_t seed = 1;              // seed: the model's random seed
  std::uint32_t speed = 1;             // speed: model seconds per real second, 1..86400
  bool freeze = false;                 // freeze: every meter keeps its start measurement
  std::optional<UtcTime> start;        // start: model start (ISO 8601 UTC); now by default
  std::filesystem::path link;          // link: optional stable symlink to the pty
  double drop = 0.0;                   // drop: probability that a reply is lost, 0..1
  double corrupt_crc = 0.0;            // corrupt_crc: probability of a bad reply CRC, 0..1
  // building: office | retail | school: one commercial building instead of a small office per
  // meter; the meter at address k (1..3) measures its phase Lk on CT1. Empty: none.
  std::string building;
  friend bool operator==(const SimulatorOptions&, const SimulatorOptions&) = default;
};

struct MeterConfig {
  std::string id;                       // meters[].id, unique in the file
  std::uint8_t address = 1;             // address: Modbus slave address 1..247, unique per bus
  std::string model = "bsmart";         // model: bsmart
  WordOrder word_order = WordOrder::abcd;
  int phases = 1;                       // phases: 1 or 3
  bool channel1 = true;                 // channels: [1, 2] by default (CT1 grid, CT2 PV)
  bool channel2 = true;
  std::chrono::milliseconds instantaneous_interval{1000};  // poll.instantaneous
  std::chrono::milliseconds energy_interval{60'000};       // poll.energy
  friend bool operator==(const MeterConfig&, const MeterConfig&) = default;
};

struct BusConfig {
  std::string id;                              // buses[].id, unique
  BusTransport transport = BusTransport::serial;
  std::string device;                          // serial: the tty, required
  int baud = 9600;                             // serial and simulator: line speed
  Parity parity = Parity::none;
  int data_bits = 8;                           // 7 or 8
  int stop_bits = 1;                           // 1 or 2
  std::string host;                            // rtu_over_tcp, modbus_tcp: required
  std::uint16_t port = 0;                      // rtu_over_tcp, modbus_tcp: required
  std::chrono::milliseconds timeout{300};      // response timeout
  std::chrono::milliseconds byte_timeout{50};  // between reply bytes
  unsigned retries = 1;                        // poll repeats after a timeout or CRC error
  unsigned offline_after = 3;                  // consecutive timeouts before a meter is offline
  SimulatorOptions simulator;
  std::vector<MeterConfig> meters;
  friend bool operator==(const BusConfig&, const BusConfig&) = default;
};

// store: the sealed reading store (src/config/store_section.cpp; src/store/store.hpp).
struct StoreConfig {
  std::filesystem::path path;                      // path: default <gateway.state_dir>/store.db
  std::chrono::milliseconds flush_interval{1000};  // flush_interval: 100ms..1min, <= window
  std::chrono::milliseconds window{600'000};       // window: 1min..1h, divides a day
  std::chrono::milliseconds close_grace{10'000};   // close_grace: 0..window
  std::chrono::milliseconds retention{std::chrono::hours(24 * 35)};  // retention: >= 1h
  std::chrono::milliseconds retention_interval{60'000};  // retention_interval: 1s..1d
  std::uint64_t quota_bytes = 0;                   // quota: a size; 0 = no quota
  std::uint64_t min_free_bytes = 0;                // min_free: free-space floor; 0 = none
  std::size_t max_queued_readings = 100'000;       // max_queued_readings: 1000..10000000
  std::filesystem::path key_dir;                   // key_dir: default <gateway.state_dir>/keys
  std::string key_credential;  // key_credential: systemd credential name; empty = none
};

// uplink: the store-and-forward upload over HTTPS with mutual TLS (src/config/uplink_section.cpp,
// src/uplink/, docs/uplink.md). Off unless `url` is set; then tls.ca_file, tls.cert_file and
// tls.key_file are required.
enum class UplinkEncoding { cbor, json };

struct UplinkConfig {
  static constexpr std::size_t kMaxBatchChunks = 1000;
  std::string url;    // url: https://host[:port]/path of the batch endpoint; empty = off
  std::string proxy;  // proxy: http://host:port, tunnelled with CONNECT; empty = direct
  std::filesystem::path ca_file;    // tls.ca_file: PEM CA bundle the server must chain to
  std::filesystem::path cert_file;  // tls.cert_file: PEM client certificate (chain)
  std::filesystem::path key_file;   // tls.key_file: PEM private key, no group/other access
  std::vector<std::string> pins;    // tls.pins: "sha256//<base64>" or 64 hex, space-separated
  UplinkEncoding encoding = UplinkEncoding::cbor;  // encoding: cbor | json
  bool gzip = true;                                // gzip: compress request bodies
  std::size_t batch_chunks = 8;                    // batch_chunks: 1..kMaxBatchChunks
  std::chrono::milliseconds batch_interval{0};     // batch_interval: at most 1 batch per; 0..1h
  std::chrono::milliseconds poll_interval{5000};   // poll_interval: idle re-check, 100ms..10min
  std::chrono::milliseconds heartbeat{300'000};    // heartbeat: 0 = off, else 10s..1d
  std::chrono::milliseconds connect_timeout{10'000};    // timeouts.connect: 1s..5min
  std::chrono::milliseconds handshake_timeout{10'000};  // timeouts.handshake: 1s..5min
  std::chrono::milliseconds request_timeout{60'000};    // timeouts.request: 1s..1h
  std::chrono::milliseconds idle_timeout{50'000};       // timeouts.idle: 1s..1h
  std::chrono::milliseconds backoff_initial{1000};      // backoff.initial: 100ms..1h
  std::chrono::milliseconds backoff_max{300'000};       // backoff.max: initial..1d
  std::chrono::milliseconds retry_after_max{3'600'000}; // backoff.retry_after_max: 1s..1d
  std::filesystem::path quarantine_dir;  // default <gateway.state_dir>/uplink-quarantine
  bool enabled() const noexcept { return !url.empty(); }
};

// api: the local REST API, /metrics and the page (src/config/api_section.cpp, src/api/,
// docs/api.md). On by default, on 127.0.0.1:8080 without authentication.
struct ApiListenerConfig {
  std::string address = "127.0.0.1";  // listen[].address: an IPv4/IPv6 literal
  std::uint16_t port = 8080;          // listen[].port: 1..65535
  bool tls = false;                   // listen[].tls: needs tls.cert_file and tls.key_file
  friend bool operator==(const ApiListenerConfig&, const ApiListenerConfig&) = default;
};

struct ApiConfig {
  bool enabled = true;                                            // enabled
  std::vector<ApiListenerConfig> listeners{ApiListenerConfig{}};  // listen: one or more
  std::filesystem::path tls_cert;     // tls.cert_file: PEM chain
  std::filesystem::path tls_key;      // tls.key_file: PEM key, no group/other access
  std::filesystem::path tokens_file;  // tokens_file: `read|admin <token>` lines; empty = open
  std::uint64_t max_header_bytes = 8 * 1024;    // limits.header: 1KiB..64KiB
  std::uint64_t max_body_bytes = 16 * 1024;     // limits.body: 0..1MiB
  std::size_t max_connections = 128;            // limits.connections: 1..10000
  std::size_t max_series_points = 20'000;       // limits.series_points: 100..1000000
  std::chrono::milliseconds max_export_range{std::chrono::hours(24 * 31)};  // 1h..366d
  std::chrono::milliseconds read_timeout{10'000};   // timeouts.read: 100ms..5min
  std::chrono::milliseconds write_timeout{30'000};  // timeouts.write: 1s..10min
  std::size_t worker_threads = 2;                   // worker_threads: 1..16
};

// nilm: the streaming breakdown of one site's consumption by usage (src/config/nilm_section.cpp,
// src/nilm/engine.hpp, src/app/nilm_service.hpp, docs/nilm.md). Off by default; when enabled,
// `mains` names 1 to 3 phases, each a value of a meter of `buses`.
struct NilmPhaseConfig {
  std::string meter;                        // mains[].meter: a meter id of `buses`, required
  ObisCode power{1, 1, 16, 7, 0};           // mains[].power: active power, W
  std::optional<ObisCode> reactive;         // mains[].reactive: reactive power, var; none
  friend bool operator==(const NilmPhaseConfig&, const NilmPhaseConfig&) = default;
};

struct NilmSubmeterConfig {
  std::string name;                         // submeters[].name: unique, [A-Za-z0-9._-]{1,64}
  std::string meter;                        // submeters[].meter: a meter id of `buses`
  ObisCode power{1, 1, 16, 7, 0};           // submeters[].power: active power, W
  Usage usage = Usage::other;               // submeters[].usage: a usage name, required
  bool complete = false;                    // submeters[].complete: measures its whole usage
  friend bool operator==(const NilmSubmeterConfig&, const NilmSubmeterConfig&) = default;
};

struct NilmConfig {
  bool enabled = false;                              // enabled
  std::string meter_id = "usages";                   // meter_id: the virtual meter's id
  std::vector<NilmPhaseConfig> mains;                // mains: 1 to 3 phases when enabled
  std::vector<NilmSubmeterConfig> submeters;         // submeters: none by default
  // usages: the usages the site has, by index_of(Usage); all by default. One marked false is
  // never estimated (its share goes to `other`); `other` is always true; every sub-meter's usage
  // must be true.
  UsageSet usages = kAllUsagesPresent;
  std::chrono::milliseconds step{600'000};           // step: 1s..1h, divides a day
  std::chrono::milliseconds max_lag{600'000};        // max_lag: 1s..1h
  std::chrono::milliseconds max_gap{180'000};        // max_gap: 1s..1h
  // utc_offset: local time = UTC + offset for time-of-day features; nullopt (`local`, the
  // default) = the box's offset from UTC when the NILM service starts.
  std::optional<std::chrono::minutes> utc_offset;
  friend bool operator==(const NilmConfig&, const NilmConfig&) = default;
};

struct Config {
  std::filesystem::path source;  // the file it was loaded from
  GatewayConfig gateway;
  LogConfig log;
  TimeConfig time;
  std::vector<BusConfig> buses;  // buses: empty when absent
  StoreConfig store;             // paths resolved against gateway.state_dir when not given
  ApiConfig api;                 // api: the REST API (on by default)
  UplinkConfig uplink;           // uplink: off when absent
  NilmConfig nilm;               // nilm: off when absent
};

// One problem found in a configuration file. line and column are 1-based (0 when the problem
// is the file as a whole, e.g. it cannot be read).
struct ConfigIssue {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;

  // "meterd.yaml:12:5: unknown key 'levle' in log (expected one of: level)"
  std::string to_string() const;
  friend bool operator==(const ConfigIssue&, const ConfigIssue&) = default;
};

struct ConfigErrors {
  std::vector<ConfigIssue> issues;
  std::string to_string() const;  // one issue per line
};
[[noreturn]] void throw_exception_from_error(const ConfigErrors& e,
                                             const boost::source_location& loc);

using ConfigResult = boost::system::result<Config, ConfigErrors>;

// Larger files are refused before parsing (a bound on what a typo'd path can make us read).
inline constexpr std::size_t kMaxConfigBytes = 4 * 1024 * 1024;

// Loads and validates the file at `path`. A file that cannot be read is one issue at line 0;
// an empty file (or one with comments only) is valid and yields all defaults.
ConfigResult load_config(const std::filesystem::path& path);

// Same, from text; `name` is used as the file name in issues. Relative paths in the text are
// kept as written (there is no file to resolve them against).
ConfigResult load_config_text(std::string_view yaml, std::string_view name);

// "500ms" -> 500 ms. Units: ms, s, min, h, d (case-sensitive); a non-negative integer directly
// before the unit. Errc::parse_error (malformed, missing or unknown unit, with the accepted
// units), Errc::out_of_range (negative, overflow). Whether zero is allowed is the caller's range.
Result<std::chrono::milliseconds> parse_duration(std::string_view text);

// "512MiB" -> 536870912. Units: B, kB, MB, GB, TB (powers of 1000), KiB, MiB, GiB, TiB (powers
// of 1024). Errors as for parse_duration.
Result<std::uint64_t> parse_size(std::string_view text);

// The inverse of the parsers, in the largest unit that is exact: 90000 ms -> "90s",
// 3600000 ms -> "1h", 1048576 -> "1MiB", 100000 -> "100kB". Negative durations get a '-'.
std::string format_duration(std::chrono::milliseconds d);
std::string format_size(std::uint64_t bytes);

// nilm.utc_offset, or, when it is `local` (absent), the box's offset from UTC at `at` (from the
// TZ environment variable or /etc/localtime, as localtime_r(3) finds it). nilm_section.cpp
std::chrono::minutes effective_utc_offset(const NilmConfig& nilm, UtcTime at);
// The box's offset from UTC at `at` (as above; 0 if localtime_r fails).
std::chrono::minutes local_utc_offset(UtcTime at);
// "+01:00", "-05:30", "+00:00" -> minutes; nullopt when malformed or beyond ±14:00 (the fixed
// form of nilm.utc_offset).
std::optional<std::chrono::minutes> parse_utc_offset(const std::string& text);

std::string_view to_string(LogLevel l) noexcept;
std::string_view to_string(BusTransport t) noexcept;

}  // namespace meterd::config
