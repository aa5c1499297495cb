// src/app/api_sources.hpp: the REST API's data sources (meterd/data_sources.hpp) over the real
// modules: acquisition's meter statuses and the configured poll intervals, the latest-values
// cache, the store (series, readings, events, file status) and the recent acquisition events.
// The uplink's status needs no adapter: its UplinkStatusProvider is passed as is. Only the
// composition root and tests build these. Thread contract: as the interfaces say (any thread); each
// adapter holds references to modules that must outlive it. The store pointer may be null (a daemon
// without a store).
#pragma once

#include <functional>
#include <vector>

#include "meterd/data_sources.hpp"
#include "src/config/config.hpp"
#include "src/pipeline/latest_values.hpp"
#include "src/pipeline/recent_events.hpp"
#include "src/store/store.hpp"

namespace meterd::app {

// Joins statuses with the poll intervals of the configured meters (statuses of meters missing
// from `buses` keep the defaults).
std::vector<MeterEntry> meter_entries(const std::vector<MeterStatus>& statuses,
                                      const std::vector<config::BusConfig>& buses);

class FunctionMeterSource final : public MeterStatusSource {
 public:
  explicit FunctionMeterSource(std::function<std::vector<MeterEntry>()> fn) : fn_(std::move(fn)) {}
  std::vector<MeterEntry> meters() const override { return fn_(); }

 private:
  std::function<std::vector<MeterEntry>()> fn_;
};

class LatestValuesSource final : public LatestSource {
 public:
  explicit LatestValuesSource(const pipeline::LatestValues& cache) : cache_(cache) {}
  std::optional<std::vector<LatestSample>> latest(std::string_view meter_id) const override;

 private:
  const pipeline::LatestValues& cache_;
};

class StoreSeriesSource final : public SeriesSource {
 public:
  explicit StoreSeriesSource(store::Store* store) : store_(store) {}
  Result<std::vector<SeriesSample>> series(const SeriesQuery& query) const override;
  Result<std::vector<Reading>> readings(const std::string& meter_id, UtcTime from,
                                        UtcTime to) const override;

 private:
  store::Store* store_;
};

// Acquisition events from the in-memory window, store events from the store's table.
class DaemonEventSource final : public EventSource {
 public:
  DaemonEventSource(const pipeline::RecentEvents& recent, store::Store* store)
      : recent_(recent), store_(store) {}
  Result<std::vector<EventRecord>> events(UtcTime from, UtcTime to) const override;

 private:
  const pipeline::RecentEvents& recent_;
  store::Store* store_;
};

// File size, free space, chunk counts and the data's time span, read with a separate read-only
// SQLite connection (safe beside the writer, as `meterd verify` is).
class StoreStatusSource final : public StorageStatusSource {
 public:
  explicit StoreStatusSource(store::Store* store) : store_(store) {}
  Result<StorageStatus> storage_status() const override;

 private:
  store::Store* store_;
};

}  // namespace meterd::app
