#include "meterd/obis.hpp"

#include <array>
#include <cctype>

namespace meterd {
namespace {

// A cursor over the text that knows its 1-based column for error messages.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool done() const { return pos_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[pos_]; }
  std::size_t column() const { return pos_ + 1; }
  void advance() { ++pos_; }

  Error fail(std::string what) const {
    std::string found = done() ? "end of text" : "'" + std::string(1, peek()) + "'";
    return {Errc::parse_error, "OBIS code \"" + std::string(s_) + "\": expected " + what +
                                   " at column " + std::to_string(column()) + ", found " + found};
  }

  // One group: 1-3 decimal digits, value 0..255. `letters` allows the C-group letters.
  Result<std::uint8_t> group(const char* name, bool letters) {
    if (letters) {
      switch (peek()) {
        case 'C': advance(); return std::uint8_t{96};
        case 'F': advance(); return std::uint8_t{97};
        case 'L': advance(); return std::uint8_t{98};
        case 'P': advance(); return std::uint8_t{99};
        default: break;
      }
    }
    if (!std::isdigit(static_cast<unsigned char>(peek()))) {
      return fail(std::string("a decimal number for group ") + name);
    }
    const std::size_t start = column();
    unsigned v = 0;
    int digits = 0;
    while (std::isdigit(static_cast<unsigned char>(peek()))) {
      if (++digits > 3) break;
      v = v * 10 + static_cast<unsigned>(peek() - '0');
      advance();
    }
    if (digits > 3 || v > 255) {
      return Error{Errc::out_of_range, "OBIS code \"" + std::string(s_) + "\": group " + name +
                                           " at column " + std::to_string(start) +
                                           " is above 255"};
    }
    return static_cast<std::uint8_t>(v);
  }

  std::string_view text() const { return s_; }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

bool expect(Scanner& sc, char c) {
  if (sc.peek() != c) return false;
  sc.advance();
  return true;
}

}  // namespace

Result<ObisCode> ObisCode::parse(std::string_view text) {
  Scanner sc(text);
  if (text.empty()) return sc.fail("an OBIS code such as 1-0:1.8.0");

  // The reduced form starts directly with C; the full form has '-' after the first group.
  const bool full = text.find(':') != std::string_view::npos;
  std::uint8_t a = 1, b = 0;
  if (full) {
    auto ra = sc.group("A", false);
    if (!ra) return ra.error();
    a = *ra;
    if (!expect(sc, '-')) return sc.fail("'-' after group A");
    auto rb = sc.group("B", false);
    if (!rb) return rb.error();
    b = *rb;
    if (!expect(sc, ':')) return sc.fail("':' after group B");
  }
  auto rc = sc.group("C", true);
  if (!rc) return rc.error();
  if (!expect(sc, '.')) return sc.fail("'.' after group C");
  auto rd = sc.group("D", false);
  if (!rd) return rd.error();
  if (!expect(sc, '.')) return sc.fail("'.' after group D");
  auto re = sc.group("E", false);
  if (!re) return re.error();
  std::uint8_t f = kUnused;
  if (sc.peek() == '*' || sc.peek() == '&') {
    sc.advance();
    auto rf = sc.group("F", false);
    if (!rf) return rf.error();
    f = *rf;
  }
  if (!sc.done()) return sc.fail("end of code (or '*F')");
  return ObisCode(a, b, *rc, *rd, *re, f);
}

std::string ObisCode::to_string() const {
  std::string out = std::to_string(a_) + '-' + std::to_string(b_) + ':' + std::to_string(c_) +
                    '.' + std::to_string(d_) + '.' + std::to_string(e_);
  if (f_ != kUnused) out += '*' + std::to_string(f_);
  return out;
}

}  // namespace meterd
