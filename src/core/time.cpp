#include "meterd/time.hpp"

#include <cctype>
#include <cstdio>

namespace meterd {

std::string format_utc(UtcTime t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> hms{t - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                int(hms.minutes().count()), int(hms.seconds().count()),
                int(hms.subseconds().count()));
  return buf;
}

namespace {

struct Cursor {
  std::string_view s;
  std::size_t pos = 0;

  Error fail(const char* what) const {
    return {Errc::parse_error, "time \"" + std::string(s) + "\": expected " + what +
                                   " at column " + std::to_string(pos + 1)};
  }
  bool digits(int n, int& out) {
    out = 0;
    for (int i = 0; i < n; ++i) {
      if (pos >= s.size() || !std::isdigit(static_cast<unsigned char>(s[pos]))) return false;
      out = out * 10 + (s[pos++] - '0');
    }
    return true;
  }
  bool lit(char c) {
    if (pos < s.size() && s[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
};

}  // namespace

Result<UtcTime> parse_utc(std::string_view text) {
  using namespace std::chrono;
  Cursor c{text};
  int y, mo, d, h, mi, se;
  if (!c.digits(4, y)) return c.fail("a 4-digit year");
  if (!c.lit('-')) return c.fail("'-'");
  if (!c.digits(2, mo)) return c.fail("a 2-digit month");
  if (!c.lit('-')) return c.fail("'-'");
  if (!c.digits(2, d)) return c.fail("a 2-digit day");
  if (!c.lit('T') && !c.lit(' ')) return c.fail("'T'");
  if (!c.digits(2, h)) return c.fail("2-digit hours");
  if (!c.lit(':')) return c.fail("':'");
  if (!c.digits(2, mi)) return c.fail("2-digit minutes");
  if (!c.lit(':')) return c.fail("':'");
  if (!c.digits(2, se)) return c.fail("2-digit seconds");
  int ms = 0;
  if (c.lit('.')) {
    int scale = 100, digits = 0;
    while (c.pos < text.size() && std::isdigit(static_cast<unsigned char>(text[c.pos]))) {
      if (digits++ < 3) ms += (text[c.pos] - '0') * scale, scale /= 10;
      ++c.pos;
    }
    if (digits == 0) return c.fail("fraction digits after '.'");
  }
  minutes offset{0};
  if (c.lit('Z')) {
  } else if (c.pos < text.size() && (text[c.pos] == '+' || text[c.pos] == '-')) {
    const int sign = text[c.pos++] == '+' ? 1 : -1;
    int oh, om;
    if (!c.digits(2, oh)) return c.fail("2-digit offset hours");
    if (!c.lit(':')) return c.fail("':' in the offset");
    if (!c.digits(2, om)) return c.fail("2-digit offset minutes");
    offset = minutes(sign * (oh * 60 + om));
  } else {
    return c.fail("'Z' or a UTC offset");
  }
  if (c.pos != text.size()) return c.fail("end of text");
  const year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || se > 60) {
    return Error{Errc::out_of_range, "time \"" + std::string(text) + "\": no such date or time"};
  }
  return UtcTime{sys_days{ymd} + hours{h} + minutes{mi} + seconds{se} + milliseconds{ms} -
                 offset};
}

}  // namespace meterd
