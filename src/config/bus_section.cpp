// The `buses` list: the Modbus buses (serial line, TCP converter or built-in simulator) and the
// B-Smart meters on each. Checks across items: bus ids unique, meter ids unique in the file,
// addresses unique per bus; keys that the bus's transport does not use are errors.
#include <algorithm>
#include <array>
#include <limits>
#include <map>

#include "src/config/quote.hpp"
#include "src/config/sections.hpp"

namespace meterd::config {
namespace {

constexpr std::size_t kMaxIdLength = 64;

constexpr EnumName<BusTransport> kTransports[] = {{"serial", BusTransport::serial},
                                                  {"rtu_over_tcp", BusTransport::rtu_over_tcp},
                                                  {"modbus_tcp", BusTransport::modbus_tcp},
                                                  {"simulator", BusTransport::simulator}};
constexpr EnumName<Parity> kParities[] = {
    {"none", Parity::none}, {"even", Parity::even}, {"odd", Parity::odd}};
constexpr EnumName<WordOrder> kWordOrders[] = {{"abcd", WordOrder::abcd},
                                               {"cdab", WordOrder::cdab},
                                               {"badc", WordOrder::badc},
                                               {"dcba", WordOrder::dcba}};
constexpr std::string_view kBauds[] = {"1200",  "2400",  "4800",  "9600",
                                       "19200", "38400", "57600", "115200"};
constexpr std::string_view kModels[] = {"bsmart"};
constexpr std::string_view kPhases[] = {"1", "3"};
constexpr std::string_view kBuildings[] = {"office", "retail", "school"};
constexpr std::uint8_t kMaxBuildingAddress = 3;  // simulator.building: phase Lk at address k

// Ids seen so far in the file: id -> where ("buses[0]", "buses[0].meters[1]").
struct Seen {
  std::map<std::string, std::string> buses;
  std::map<std::string, std::string> meters;
};

// Reads a required, valid, unique id into `out`; `seen` maps ids to where they were first used.
void read_id(SectionReader& s, std::string_view what, std::map<std::string, std::string>& seen,
             std::string& out) {
  if (!s.require("id")) return;
  std::string id;
  if (!s.get_string("id", id)) return;
  if (const std::string problem = check_id(id); !problem.empty()) {
    s.report("id", problem);
    return;
  }
  const auto [it, inserted] = seen.emplace(id, s.path());
  if (!inserted) {
    s.report("id", "duplicate " + std::string(what) + " id " + quote(id) + " (already used by " +
                       it->second + ")");
  }
  out = std::move(id);
}

void read_poll(SectionReader& s, MeterConfig& m) {
  using std::chrono::hours;
  using std::chrono::milliseconds;
  s.get_duration("instantaneous", m.instantaneous_interval, milliseconds{100}, hours{1});
  s.get_duration("energy", m.energy_interval, milliseconds{1000}, hours{24});
}

void read_meter(SectionReader& s, Seen& seen, std::map<int, std::string>& addresses,
                MeterConfig& m) {
  read_id(s, "meter", seen.meters, m.id);
  if (s.require("address") && s.get_int("address", m.address, std::uint8_t{1}, std::uint8_t{247})) {
    const auto [it, inserted] = addresses.emplace(m.address, s.path());
    if (!inserted) {
      s.report("address", "address " + std::to_string(m.address) + " is already used by " +
                              it->second + " on this bus");
    }
  }
  std::size_t index = 0;
  if (s.get_choice("model", kModels, index)) m.model = std::string(kModels[index]);
  s.get_enum("word_order", m.word_order, kWordOrders);
  if (s.get_choice("phases", kPhases, index)) m.phases = index == 0 ? 1 : 3;
  std::vector<std::int64_t> channels;
  if (s.get_int_list("channels", channels, 1, 2)) {
    const auto ones = std::count(channels.begin(), channels.end(), 1);
    const auto twos = std::count(channels.begin(), channels.end(), 2);
    if (channels.empty()) {
      s.report("channels", "expected at least one channel (1 = CT1, 2 = CT2)");
    } else if (ones > 1 || twos > 1) {
      s.report("channels", "a channel is listed twice");
    } else {
      m.channel1 = ones == 1;
      m.channel2 = twos == 1;
    }
  }
  s.get_section("poll", [&](SectionReader& poll) { read_poll(poll, m); });
}

void read_simulator(SectionReader& s, SimulatorOptions& o) {
  s.get_int("seed", o.seed, std::uint64_t{0},
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
  s.get_int("speed", o.speed, std::uint32_t{1}, std::uint32_t{86'400});
  s.get_bool("freeze", o.freeze);
  std::string start;
  if (s.get_string("start", start)) {
    if (auto t = parse_utc(start)) {
      o.start = *t;
    } else {
      s.report("start", "expected a UTC time such as 2026-06-22T10:30:00Z, found " + quote(start));
    }
  }
  s.get_path("link", o.link);
  s.get_double("drop", o.drop, 0.0, 1.0);
  s.get_double("corrupt_crc", o.corrupt_crc, 0.0, 1.0);
  std::size_t index = 0;
  if (s.get_choice("building", kBuildings, index)) o.building = std::string(kBuildings[index]);
}

// Reports `key` when present: it means nothing for this bus's transport.
void refuse(SectionReader& s, std::string_view key, bool present, std::string_view used_by) {
  if (present) s.report(key, "not used by this transport (only by " + std::string(used_by) + ")");
}

void read_bus(SectionReader& s, Seen& seen, BusConfig& b) {
  read_id(s, "bus", seen.buses, b.id);
  const bool transport_ok =
      s.require("transport") && s.get_enum("transport", b.transport, kTransports);

  const bool has_device = s.has("device");
  s.get_string("device", b.device);
  constexpr std::array<std::string_view, 4> kLineKeys = {"baud", "parity", "data_bits",
                                                         "stop_bits"};
  std::array<bool, 4> has_line{};
  for (std::size_t i = 0; i < kLineKeys.size(); ++i) has_line[i] = s.has(kLineKeys[i]);
  std::size_t baud = 0;
  if (s.get_choice("baud", kBauds, baud)) b.baud = std::stoi(std::string(kBauds[baud]));
  s.get_enum("parity", b.parity, kParities);
  s.get_int("data_bits", b.data_bits, 7, 8);
  s.get_int("stop_bits", b.stop_bits, 1, 2);
  const bool has_host = s.has("host");
  const bool has_port = s.has("port");
  s.get_string("host", b.host);
  s.get_int("port", b.port, std::uint16_t{1}, std::uint16_t{65535});

  using std::chrono::milliseconds;
  using std::chrono::seconds;
  s.get_duration("timeout", b.timeout, milliseconds{10}, seconds{10});
  s.get_duration("byte_timeout", b.byte_timeout, milliseconds{1}, seconds{1});
  s.get_int("retries", b.retries, 0u, 5u);
  s.get_int("offline_after", b.offline_after, 1u, 100u);
  const bool has_simulator =
      s.get_section("simulator", [&](SectionReader& sim) { read_simulator(sim, b.simulator); });

  if (transport_ok) {
    const bool serial = b.transport == BusTransport::serial;
    const bool tcp =
        b.transport == BusTransport::rtu_over_tcp || b.transport == BusTransport::modbus_tcp;
    if (serial && (!has_device || b.device.empty())) {
      s.report("device", "transport serial needs a device such as /dev/ttyUSB0");
    }
    const std::string name(to_string(b.transport));
    if (tcp && !has_host) s.report("host", "transport " + name + " needs a host");
    if (tcp && !has_port) s.report("port", "transport " + name + " needs a port");
    refuse(s, "device", has_device && !serial, "serial");
    refuse(s, "host", has_host && !tcp, "rtu_over_tcp and modbus_tcp");
    refuse(s, "port", has_port && !tcp, "rtu_over_tcp and modbus_tcp");
    for (std::size_t i = 0; i < kLineKeys.size(); ++i) {
      refuse(s, kLineKeys[i], has_line[i] && tcp, "serial and simulator");
    }
    refuse(s, "simulator", has_simulator && b.transport != BusTransport::simulator, "simulator");
  }

  std::map<int, std::string> addresses;
  if (s.require("meters")) {
    const bool listed = s.get_list("meters", [&](SectionReader& meter, std::size_t) {
      MeterConfig m;
      read_meter(meter, seen, addresses, m);
      b.meters.push_back(std::move(m));
    });
    if (listed && b.meters.empty()) s.report("meters", "expected at least one meter");
    const bool building = b.transport == BusTransport::simulator && !b.simulator.building.empty();
    for (const auto& m : b.meters) {
      if (building && m.address > kMaxBuildingAddress) {
        s.report("meters", "with simulator.building, the meters have addresses 1 to 3 (phase Lk "
                           "at address k), found " + std::to_string(m.address));
        break;
      }
    }
  }
}

}  // namespace

std::string check_id(const std::string& id) {
  if (id.empty()) return "must not be empty (letters, digits, '.', '_' and '-')";
  if (id.size() > kMaxIdLength) {
    return "expected at most " + std::to_string(kMaxIdLength) + " characters, found " +
           std::to_string(id.size());
  }
  for (const char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) {
      return "invalid character " + quote(std::string_view(&c, 1)) + " in " + quote(id) +
             " (allowed: letters, digits, '.', '_' and '-')";
    }
  }
  return {};
}

std::string_view to_string(BusTransport t) noexcept {
  for (const auto& n : kTransports) {
    if (n.value == t) return n.name;
  }
  return "unknown";
}

void read_buses(SectionReader& root, std::vector<BusConfig>& out) {
  Seen seen;
  root.get_list("buses", [&](SectionReader& bus, std::size_t) {
    BusConfig b;
    read_bus(bus, seen, b);
    out.push_back(std::move(b));
  });
}

}  // namespace meterd::config
