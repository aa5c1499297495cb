// meterd/event.hpp: things that happened to a meter or a bus, for people and for the record.
//
// The acquisition scheduler produces events (a meter went offline or came back, a meter was
// swapped, a bus link was lost or reopened), the NILM service the switching of appliances it
// detects on the mains; the store persists them and the API shows them.
// Stages receive them through EventSink and never reach into one another. Plain values.
#pragma once

#include "meterd/time.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace meterd {

// Enumerator values are stable: they are stored.
enum class EventKind : std::uint8_t {
  meter_offline = 0,  // a meter stopped answering (N consecutive timeouts)
  meter_online = 1,   // a meter answered (again) and was identified
  meter_swapped = 2,  // identify() returned a different serial number than before
  link_lost = 3,      // a bus link failed with an I/O error (or could not be opened at start)
  link_reopened = 4,  // a lost bus link was opened again
  load_switch = 5,    // the NILM engine saw an appliance switch on a mains phase (meter_id: the
                      // NILM virtual meter; detail: phase, dP, dQ, cluster, usage)
};

// "meter_offline", "meter_online", ... (the enumerator name).
constexpr std::string_view to_string(EventKind k) noexcept {
  switch (k) {
    case EventKind::meter_offline: return "meter_offline";
    case EventKind::meter_online: return "meter_online";
    case EventKind::meter_swapped: return "meter_swapped";
    case EventKind::link_lost: return "link_lost";
    case EventKind::link_reopened: return "link_reopened";
    case EventKind::load_switch: return "load_switch";
  }
  return "unknown";
}

struct Event {
  UtcTime time{};        // when it happened (UTC)
  std::string bus;       // the bus's name in the configuration
  std::string meter_id;  // the meter's id; empty for link events
  EventKind kind = EventKind::meter_offline;
  std::string detail;  // e.g. "serial 1234 -> 5678", "timeout: no reply within 200 ms"

  friend bool operator==(const Event&, const Event&) = default;
};

// Where events go. publish() is called on the daemon's event loop; it must not block it.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void publish(const Event& event) = 0;
};

}  // namespace meterd
