// meterd/reading.hpp: what one poll of one meter returns, in the shared model (DESIGN.md).
//
// Drivers produce Readings; every stage consumes them and nothing downstream knows which protocol
// a value came from. Plain values, movable, no invariants beyond the field comments.
#pragma once

#include "meterd/obis.hpp"
#include "meterd/quality.hpp"
#include "meterd/time.hpp"
#include "meterd/unit.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace meterd {

// How far the timestamp of a reading can be trusted.
enum class TimeSync : std::uint8_t {
  synchronized = 0,    // the system clock was synchronized (kernel status) when stamped
  unsynchronized = 1,  // it was not: the timestamp may be off by anything
  corrected = 2,       // stamped before the first synchronization, re-dated afterwards from the
                       // monotonic clock (see TimeStamper)
  meter = 3,           // the meter's own clock stamped it (e.g. a DLMS load-profile entry)
};

std::string_view to_string(TimeSync s) noexcept;

struct Value {
  ObisCode obis;
  double value = 0.0;  // in `unit`, SI (W, Wh, V, ...); NaN when the quality says it is missing
  Unit unit = Unit::none;
  Quality quality = Quality::good;

  friend bool operator==(const Value&, const Value&) = default;
};

struct Reading {
  std::string meter_id;  // the meter's id in the configuration
  UtcTime time{};        // when the meter measured it, or when the poll completed
  TimeSync time_sync = TimeSync::unsynchronized;
  std::vector<Value> values;

  // The value with this OBIS code, or nullptr.
  const Value* find(const ObisCode& obis) const noexcept;
};

}  // namespace meterd
