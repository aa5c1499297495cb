#include "tools/sim/bsmart_options.hpp"
#include "tools/sim/option_parsing.hpp"

#include <charconv>
#include <cmath>
#include <optional>

namespace meterd::sim {
namespace {

Error bad(std::string_view option, std::string_view value, std::string_view why) {
  return bad_option(option, value, why);
}

template <class T>
std::optional<T> number(std::string_view s) {
  return parse_number<T>(s);
}

std::optional<double> real(std::string_view s) {
  if (s.empty()) return std::nullopt;
  try {
    std::size_t used = 0;
    const double v = std::stod(std::string(s), &used);
    if (used != s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<std::uint8_t> slave_address(std::string_view s) {
  const auto v = number<unsigned>(s);
  if (!v || *v < 1 || *v > 247) return std::nullopt;
  return static_cast<std::uint8_t>(*v);
}

}  // namespace

Result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  using namespace std::chrono;
  static constexpr std::pair<std::string_view, double> kUnits[] = {
      {"ms", 1.0}, {"min", 60'000.0}, {"s", 1000.0}, {"h", 3'600'000.0}};
  if (text == "0") return milliseconds{0};
  for (const auto& [suffix, scale] : kUnits) {
    if (text.size() > suffix.size() && text.ends_with(suffix)) {
      const auto v = real(text.substr(0, text.size() - suffix.size()));
      if (v && *v >= 0.0) return milliseconds{std::llround(*v * scale)};
    }
  }
  return Error{Errc::invalid_argument, "duration '" + std::string(text) + "': expected e.g. 200ms, 30s, 2min, 1h"};
}

Result<BsmartCommand> parse_bsmart_options(std::span<const std::string_view> args) {
  BsmartCommand cmd;
  SimulatorConfig& c = cmd.config;
  unsigned count = 1;
  unsigned first = 1;
  bool explicit_slaves = false;
  bool explicit_count = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view opt = args[i];
    std::string_view value;
    bool has_value = false;
    if (const auto eq = opt.find('='); opt.starts_with("--") && eq != std::string_view::npos) {
      value = opt.substr(eq + 1);
      opt = opt.substr(0, eq);
      has_value = true;
    }
    auto take = [&]() -> std::optional<std::string_view> {
      if (has_value) return value;
      if (i + 1 < args.size()) return args[++i];
      return std::nullopt;
    };
    if (opt == "--help" || opt == "-h") {
      cmd.help = true;
      continue;
    }
    if (opt == "--freeze") {
      c.freeze = true;
      continue;
    }
    const auto v = take();
    if (!v) return bad(opt, "", "needs a value (see --help)");
    // Fault options: VALUE[@ADDRESS].
    std::string_view body = *v;
    std::optional<std::uint8_t> target;
    const bool fault_option = opt == "--drop" || opt == "--corrupt-crc" || opt == "--exception" ||
                              opt == "--delay" || opt == "--silent-after" || opt == "--silent-for";
    if (fault_option) {
      if (const auto at = body.find('@'); at != std::string_view::npos) {
        target = slave_address(body.substr(at + 1));
        if (!target) return bad(opt, *v, "slave address after '@' must be 1..247");
        body = body.substr(0, at);
      }
    }
    FaultConfig& f = target ? c.slave_faults[*target] : c.bus_faults;
    if (opt == "--count") {
      const auto n = number<unsigned>(*v);
      if (!n || *n < 1 || *n > 247) return bad(opt, *v, "expected 1..247");
      count = *n;
      explicit_count = true;
    } else if (opt == "--first-address") {
      const auto a = slave_address(*v);
      if (!a) return bad(opt, *v, "expected 1..247");
      first = *a;
    } else if (opt == "--slaves") {
      c.addresses.clear();
      explicit_slaves = true;
      std::string_view rest = *v;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        const auto a = slave_address(rest.substr(0, comma));
        if (!a) return bad(opt, *v, "expected a comma-separated list of addresses 1..247");
        c.addresses.push_back(*a);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      }
    } else if (opt == "--baud") {
      const auto b = number<std::uint32_t>(*v);
      if (!b || *b < 300 || *b > 921600) return bad(opt, *v, "expected a rate in bps, e.g. 9600");
      c.line.baud = *b;
    } else if (opt == "--parity") {
      if (*v != "N" && *v != "E" && *v != "O" && *v != "none" && *v != "even" && *v != "odd")
        return bad(opt, *v, "expected none, even or odd");
      c.line.parity = static_cast<char>(std::toupper(static_cast<unsigned char>((*v)[0])));
    } else if (opt == "--stop-bits") {
      if (*v != "1" && *v != "2") return bad(opt, *v, "expected 1 or 2");
      c.line.stop_bits = (*v)[0] - '0';
    } else if (opt == "--seed") {
      const auto s = number<std::uint64_t>(*v);
      if (!s) return bad(opt, *v, "expected an unsigned integer");
      c.seed = *s;
    } else if (opt == "--building") {
      const auto colon = v->find(':');
      const auto type = building_type_from_string(v->substr(0, colon));
      if (!type) return bad(opt, *v, "expected office, retail or school, optionally :SEED");
      CommercialSite site{*type, 1};
      if (colon != std::string_view::npos) {
        const auto s = number<std::uint64_t>(v->substr(colon + 1));
        if (!s) return bad(opt, *v, "expected TYPE:SEED with an unsigned integer seed");
        site.seed = *s;
      }
      c.commercial = site;
    } else if (opt == "--link") {
      c.link_path = std::string(*v);
    } else if (opt == "--speed") {
      const auto s = real(*v);
      if (!s || *s <= 0.0) return bad(opt, *v, "expected a positive number");
      c.speed = *s;
    } else if (opt == "--start") {
      auto t = parse_utc(*v);
      if (!t) return bad(opt, *v, t.error().message());
      c.start = *t;
    } else if (opt == "--drop" || opt == "--corrupt-crc") {
      const auto p = real(body);
      if (!p || *p < 0.0 || *p > 1.0) return bad(opt, *v, "expected a probability 0..1");
      (opt == "--drop" ? f.drop_probability : f.corrupt_crc_probability) = *p;
    } else if (opt == "--exception") {
      const auto colon = body.find(':');
      const auto code = number<unsigned>(body.substr(0, colon));
      if (!code || *code < 1 || *code > 0x0B) return bad(opt, *v, "expected an exception code 1..11");
      f.exception = static_cast<ModbusException>(*code);
      if (colon != std::string_view::npos) {
        std::string_view reg = body.substr(colon + 1);
        int base = 10;
        if (reg.starts_with("0x") || reg.starts_with("0X")) {
          reg.remove_prefix(2);
          base = 16;
        }
        std::uint16_t r = 0;
        const auto [p, ec] = std::from_chars(reg.data(), reg.data() + reg.size(), r, base);
        if (ec != std::errc{} || p != reg.data() + reg.size() || reg.empty())
          return bad(opt, *v, "expected CODE:REGISTER, e.g. 4:0x2100");
        f.exception_register = r;
      }
    } else if (opt == "--delay" || opt == "--silent-after" || opt == "--silent-for") {
      auto d = parse_duration(body);
      if (!d) return bad(opt, *v, d.error().detail);
      if (opt == "--delay") f.delay = *d;
      else if (opt == "--silent-after") f.silent_after = *d;
      else f.silent_for = *d;
    } else {
      return bad(opt, *v, "unknown option (see --help)");
    }
  }
  if (c.commercial && !explicit_slaves && !explicit_count && first == 1) count = 3;  // L1, L2, L3
  if (!explicit_slaves) {
    if (first + count - 1 > 247) return bad("--count", std::to_string(count), "addresses would pass 247");
    c.addresses.clear();
    for (unsigned a = first; a < first + count; ++a) c.addresses.push_back(static_cast<std::uint8_t>(a));
  }
  if (c.commercial) {
    for (const std::uint8_t a : c.addresses)
      if (a > 3) return bad("--building", to_string(c.commercial->type), "the meters must have addresses 1..3 (phase Lk at address k)");
  }
  for (const auto& [address, faults] : c.slave_faults) {
    if (faults.silent_after.has_value() != (faults.silent_for.count() > 0))
      return bad("--silent-after", std::to_string(address), "--silent-after and --silent-for go together");
  }
  if (c.bus_faults.silent_after.has_value() != (c.bus_faults.silent_for.count() > 0))
    return bad("--silent-after", "", "--silent-after and --silent-for go together");
  return cmd;
}

std::string bsmart_usage() {
  return R"(usage: meterd-sim bsmart [options]

Simulates B-Smart energy meters (Modbus RTU, FC03/FC10) in a small office building with
PV on a pseudo-terminal. Prints "device=/dev/pts/N" on start-up, then serves until SIGINT or
SIGTERM. CT1 (0x2100/0x3000) measures the grid, CT2 (0x2300/0x3100) the PV production.

Bus and meters:
  --count N              number of meters (default 1)
  --first-address A      address of the first meter, the others follow (default 1)
  --slaves LIST          explicit addresses instead, e.g. 1,2,5
  --baud B               line speed in bps (default 9600); replies are paced at it
  --parity none|even|odd parity (default none); --stop-bits 1|2 (default 1)
  --link PATH            also create a symlink PATH -> /dev/pts/N (removed on exit)
Model:
  --building TYPE[:SEED] instead of a small office per meter, one commercial building
                         (office, retail or school; seed default 1): the meter at address k
                         measures phase Lk on CT1, CT2 reads 0; default --count 3
  --seed S               random seed (default 1); meter A uses a seed derived from (S, A)
  --start TIME           model start, ISO 8601 UTC (default: now)
  --speed X              model seconds per real second (default 1)
  --freeze               hold every meter at its start measurement (for tests)
Faults (append @A to apply to meter A only, e.g. --drop 0.5@2):
  --drop P               lose a reply with probability P
  --corrupt-crc P        send a reply with a wrong CRC with probability P
  --exception C[:REG]    answer exception code C (to requests covering register REG)
  --delay D              answer D later (e.g. 200ms)
  --silent-after D       go silent D after start-up ...
  --silent-for D         ... for D (e.g. --silent-after 30s --silent-for 10s)
  --help                 this text
)";
}

}  // namespace meterd::sim
