// SectionReader getters for decimal numbers and lists of integers and of names (declared in
// yaml_reader.hpp).
#include <algorithm>
#include <charconv>
#include <cmath>

#include "src/config/quote.hpp"
#include "src/config/yaml_reader.hpp"

namespace meterd::config {
namespace {

// The integer written as `text` in decimal, if it is one.
bool parse_int(const std::string& text, std::int64_t& out) {
  const char* first = text.data();
  const char* last = first + text.size();
  const auto [end, ec] = std::from_chars(first, last, out);
  return !text.empty() && ec == std::errc() && end == last;
}

std::string number_text(double v) {
  std::string s = std::to_string(v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

bool SectionReader::get_double(std::string_view key, double& out, double min, double max) {
  const Entry* e = lookup(key);
  if (e == nullptr) return false;
  const std::string expected = "a number from " + number_text(min) + " to " + number_text(max);
  const std::string* text = scalar(*e, expected);
  if (text == nullptr) return false;
  double v = 0;
  const char* first = text->data();
  const char* last = first + text->size();
  const auto [end, ec] = std::from_chars(first, last, v, std::chars_format::fixed);
  if (text->empty() || ec != std::errc() || end != last || !std::isfinite(v) || v < min ||
      v > max) {
    fail(*e, "expected " + expected + ", found " + quote(*text));
    return false;
  }
  out = v;
  return true;
}

bool SectionReader::get_int_list(std::string_view key, std::vector<std::int64_t>& out,
                                 std::int64_t min, std::int64_t max) {
  const Entry* e = lookup(key);
  if (e == nullptr) return false;
  const std::string expected =
      "a list of integers from " + std::to_string(min) + " to " + std::to_string(max);
  if (!e->value.IsSequence()) {
    fail(*e, "expected " + expected + " such as [" + std::to_string(min) + "], found " +
                 describe(e->value));
    return false;
  }
  std::vector<std::int64_t> values;
  bool ok = true;
  for (auto it = e->value.begin(); it != e->value.end(); ++it) {
    const YAML::Node item = *it;
    std::int64_t v = 0;
    if (!item.IsScalar() || !parse_int(item.Scalar(), v) || v < min || v > max) {
      const YAML::Mark at = item.Mark().is_null() ? value_mark(*e) : item.Mark();
      ctx_.issues.add(at, qualified(e->key) + ": expected an integer from " + std::to_string(min) +
                              " to " + std::to_string(max) + ", found " + describe(item));
      ok = false;
      continue;
    }
    values.push_back(v);
  }
  if (ok) out = std::move(values);
  return ok;
}

bool SectionReader::get_choice_list(std::string_view key, std::span<const std::string_view> names,
                                    std::vector<std::size_t>& out) {
  const Entry* e = lookup(key);
  if (e == nullptr) return false;
  std::string list;
  for (const auto n : names) list += (list.empty() ? "" : ", ") + std::string(n);
  if (!e->value.IsSequence()) {
    fail(*e, "expected a list of names (" + list + ") such as [" + std::string(names.front()) +
                 "], found " + describe(e->value));
    return false;
  }
  std::vector<std::size_t> indexes;
  bool ok = true;
  for (auto it = e->value.begin(); it != e->value.end(); ++it) {
    const YAML::Node item = *it;
    const YAML::Mark at = item.Mark().is_null() ? value_mark(*e) : item.Mark();
    const auto found = item.IsScalar() ? std::find(names.begin(), names.end(), item.Scalar())
                                       : names.end();
    if (found == names.end()) {
      ctx_.issues.add(at, qualified(e->key) + ": expected one of " + list + ", found " +
                              describe(item));
      ok = false;
      continue;
    }
    const auto index = static_cast<std::size_t>(found - names.begin());
    if (std::find(indexes.begin(), indexes.end(), index) != indexes.end()) {
      ctx_.issues.add(at, qualified(e->key) + ": " + quote(item.Scalar()) + " is listed twice");
      ok = false;
      continue;
    }
    indexes.push_back(index);
  }
  if (ok) out = std::move(indexes);
  return ok;
}

}  // namespace meterd::config
