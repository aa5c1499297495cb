// meterd/data_sources.hpp: the read-only views a consumer (the REST API) has of the daemon.
//
// Stages never include one another (STYLE.md rule 1): the API knows these interfaces, and the
// composition root (src/app/api_sources.cpp) implements them over acquisition, the latest-values
// cache and the store; the uplink's own UplinkStatusProvider (uplink_status.hpp) is used as is.
// Plain values in, plain values out. Thread contract: every implementation is callable from any
// thread, concurrently; a call may block on I/O (store reads), so callers keep slow ones off the
// event loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meterd/error.hpp"
#include "meterd/meter_status.hpp"
#include "meterd/obis.hpp"
#include "meterd/quality.hpp"
#include "meterd/reading.hpp"
#include "meterd/time.hpp"
#include "meterd/unit.hpp"
#include "meterd/uplink_status.hpp"

namespace meterd {

// A configured meter: its live status and how often it is polled (for staleness).
struct MeterEntry {
  MeterStatus status;
  std::chrono::milliseconds poll_interval{1000};      // instantaneous values (OBIS D != 8)
  std::chrono::milliseconds energy_interval{60'000};  // cumulative registers (OBIS D = 8)
};

class MeterStatusSource {
 public:
  virtual ~MeterStatusSource() = default;
  // Every configured meter, in configuration order.
  virtual std::vector<MeterEntry> meters() const = 0;
};

// The most recent value of one OBIS code of one meter.
struct LatestSample {
  ObisCode obis;
  double value = 0.0;  // SI; NaN when the quality says it is missing
  Unit unit = Unit::none;
  Quality quality = Quality::good;
  UtcTime time{};  // of the reading it came from
};

class LatestSource {
 public:
  virtual ~LatestSource() = default;
  // The meter's latest values ordered by OBIS code; nullopt if it never delivered a reading.
  virtual std::optional<std::vector<LatestSample>> latest(std::string_view meter_id) const = 0;
};

enum class SeriesAggregate { raw, avg, min, max, last };

struct SeriesQuery {
  std::string meter_id;
  ObisCode obis;
  UtcTime from{};                     // inclusive
  UtcTime to{};                       // exclusive
  std::chrono::milliseconds step{0};  // > 0 with an aggregate; ignored for raw
  SeriesAggregate aggregate = SeriesAggregate::raw;
};

struct SeriesSample {
  UtcTime time{};  // the reading's time (raw) or the start of its step
  double value = 0.0;
  Quality quality = Quality::good;
};

class SeriesSource {
 public:
  virtual ~SeriesSource() = default;
  // Stored values of one quantity in [from, to) (see store::Store::series). Errc::not_found for
  // a meter the store never saw; Errc::invalid_argument for a bad range/step; Errc::io_error.
  virtual Result<std::vector<SeriesSample>> series(const SeriesQuery& query) const = 0;
  // Every stored reading of one meter with time in [from, to), in time order (exports).
  virtual Result<std::vector<Reading>> readings(const std::string& meter_id, UtcTime from,
                                                UtcTime to) const = 0;
};

// A thing that happened: acquisition events (meter_offline, meter_swapped, link_lost, ...) and
// store events (retention_data_lost, queue_overflow, ...), one shape for people.
struct EventRecord {
  UtcTime time{};
  std::string kind;        // the event's name, snake_case
  std::string source;      // "acquisition" or "store"
  std::string bus;         // empty when not about a bus
  std::string meter_id;    // empty when not about a meter
  std::int64_t count = 0;  // values or readings concerned, 0 when not counted
  std::string detail;
};

class EventSource {
 public:
  virtual ~EventSource() = default;
  // Known events with time in [from, to), oldest first.
  virtual Result<std::vector<EventRecord>> events(UtcTime from, UtcTime to) const = 0;
};

struct StorageStatus {
  bool available = false;         // false: the daemon runs without a store
  std::string path;               // the database file
  std::uint64_t size_bytes = 0;   // file plus write-ahead log
  std::uint64_t quota_bytes = 0;  // 0 = no quota
  std::uint64_t free_bytes = 0;   // free space on its file system
  std::uint64_t chunks = 0;       // sealed chunks
  std::uint64_t chunks_pending_upload = 0;
  std::optional<UtcTime> oldest;       // earliest stored value
  std::optional<UtcTime> newest;       // latest stored value in a sealed chunk
  std::uint64_t dropped_readings = 0;  // dropped by a full write queue since start
  std::chrono::milliseconds retention{0};
};

class StorageStatusSource {
 public:
  virtual ~StorageStatusSource() = default;
  virtual Result<StorageStatus> storage_status() const = 0;
};

// Everything the API reads, by reference; every pointer but `uplink` is required (null: no
// uplink in this daemon, shown as not enabled).
struct DataSources {
  const MeterStatusSource* meters = nullptr;
  const LatestSource* latest = nullptr;
  const SeriesSource* series = nullptr;
  const EventSource* events = nullptr;
  const StorageStatusSource* storage = nullptr;
  const UplinkStatusProvider* uplink = nullptr;
};

}  // namespace meterd
