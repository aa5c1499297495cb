#include "src/config/yaml_reader.hpp"

#include "src/config/quote.hpp"

#include <algorithm>
#include <charconv>

namespace meterd::config {
namespace {

int one_based(int zero_based) { return zero_based < 0 ? 0 : zero_based + 1; }

std::string join(std::span<const std::string> names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

}  // namespace

void IssueList::add(const YAML::Mark& at, std::string message) {
  const bool known = at.line >= 0 && at.column >= 0;
  issues_.push_back({file_, known ? one_based(at.line) : 0, known ? one_based(at.column) : 0,
                     std::move(message)});
}

void IssueList::add_file_issue(std::string message) {
  issues_.push_back({file_, 0, 0, std::move(message)});
}

std::vector<ConfigIssue> IssueList::take() {
  std::stable_sort(issues_.begin(), issues_.end(), [](const auto& a, const auto& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  return std::exchange(issues_, {});
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar: return quote(node.Scalar());
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a sequence";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: break;
  }
  return "nothing";
}

SectionReader::SectionReader(ReadContext& ctx, const YAML::Node& node, std::string path,
                             YAML::Mark at)
    : ctx_(ctx), path_(std::move(path)), at_(at) {
  if (node.IsNull()) return;
  if (!node.IsMap()) {
    ctx_.issues.add(node.Mark().is_null() ? at_ : node.Mark(),
                    path_.empty() ? "expected a mapping at top level, found " + describe(node)
                                  : path_ + ": expected a mapping, found " + describe(node));
    mapping_ = false;
    return;
  }
  for (const auto& pair : node) {
    // Copies: a map iterator yields a temporary pair of node handles (cheap, shared).
    const YAML::Node key = pair.first;
    const YAML::Node value = pair.second;
    if (!key.IsScalar()) {
      ctx_.issues.add(key.Mark().is_null() ? at_ : key.Mark(),
                      "expected a key name" + (path_.empty() ? "" : " in " + path_) +
                          ", found " + describe(key));
      continue;
    }
    const auto [pos, inserted] = index_.try_emplace(key.Scalar(), entries_.size());
    if (!inserted) {
      const int first_line = one_based(entries_[pos->second].key_mark.line);
      ctx_.issues.add(key.Mark(), "duplicate key " + quote(key.Scalar()) +
                                      (path_.empty() ? " at top level" : " in " + path_) +
                                      " (first given at line " + std::to_string(first_line) +
                                      ")");
      continue;
    }
    entries_.push_back({key.Scalar(), key.Mark(), value});
  }
}

SectionReader::Entry* SectionReader::lookup(std::string_view key) {
  if (std::find(allowed_.begin(), allowed_.end(), key) == allowed_.end()) {
    allowed_.emplace_back(key);
  }
  const auto it = index_.find(std::string(key));
  if (it == index_.end()) return nullptr;
  Entry& e = entries_[it->second];
  e.asked = true;
  return &e;
}

YAML::Mark SectionReader::value_mark(const Entry& e) const {
  // An empty value's mark points past the key (often at the next line): report at the key.
  if (e.value.IsNull() || e.value.Mark().is_null()) return e.key_mark;
  return e.value.Mark();
}

std::string SectionReader::qualified(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void SectionReader::fail(const Entry& e, std::string_view message) {
  ctx_.issues.add(value_mark(e), qualified(e.key) + ": " + std::string(message));
}

const std::string* SectionReader::scalar(const Entry& e, std::string_view expected) {
  if (e.value.IsScalar()) return &e.value.Scalar();
  fail(e, "expected " + std::string(expected) + ", found " + describe(e.value));
  return nullptr;
}

bool SectionReader::has(std::string_view key) { return lookup(key) != nullptr; }

bool SectionReader::require(std::string_view key) {
  if (has(key)) return true;
  if (!mapping_) return false;  // already reported as a whole
  ctx_.issues.add(at_, (path_.empty() ? "missing required top-level key " + quote(key)
                                      : path_ + ": missing required key " + quote(key)));
  return false;
}

bool SectionReader::get_string(std::string_view key, std::string& out) {
  const Entry* e = lookup(key);
  if (e == nullptr) return false;
  const std::string* text = scalar(*e, "a string");
  if (text == nullptr) return false;
  out = *text;
  return true;
}

bool SectionReader::get_int64(std::string_view key, std::int64_t& out, std::int64_t min,
                              std::int64_t max) {
  const Entry* e = lookup(key);
  if (e == nullptr) return false;
  const std::string expected =
      "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  const std::string* text = scalar(*e, expected);
  if (text == nullptr) return false;
  std::int64_t v = 0;
  const char* first = text->data();
  const char* last = first + text->size();
  const auto [end, ec] = std::from_chars(first, last, v);
  if (text->empty() || ec != std::errc() || end != last || v < min || v > max) {
    fail(*e, "expected " + expected + ", found " + quote(*text));
    return false;
  }
  out = v;
  return true;
}

bool SectionReader::get_bool(std::string_view key, bool& out) {
  const Entry* e = lookup(key);
  if (e == nullptr) return false;
  const std::string* text = scalar(*e, "true or false");
  if (text == nullptr) return false;
  if (*text == "true" || *text == "True" || *text == "TRUE") {
    out = true;
  } else if (*text == "false" || *text == "False" || *text == "FALSE") {
    out = false;
  } else {
    fail(*e, "expected true or false, found " + quote(*text));
    return false;
  }
  return true;
}

bool SectionReader::get_choice(std::string_view key, std::span<const std::string_view> names,
                               std::size_t& index) {
  const Entry* e = lookup(key);
  if (e == nullptr) return false;
  std::string list;
  for (const auto n : names) {
    if (!list.empty()) list += ", ";
    list += n;
  }
  const std::string* text = scalar(*e, "one of " + list);
  if (text == nullptr) return false;
  const auto it = std::find(names.begin(), names.end(), *text);
  if (it == names.end()) {
    fail(*e, "expected one of " + list + ", found " + quote(*text));
    return false;
  }
  index = static_cast<std::size_t>(it - names.begin());
  return true;
}

bool SectionReader::get_duration(std::string_view key, std::chrono::milliseconds& out,
                                 std::chrono::milliseconds min, std::chrono::milliseconds max) {
  const Entry* e = lookup(key);
  if (e == nullptr) return false;
  const std::string* text = scalar(*e, "a duration such as 500ms");
  if (text == nullptr) return false;
  const auto d = parse_duration(*text);
  if (!d) {
    fail(*e, d.error().detail);
    return false;
  }
  if (*d < min || *d > max) {
    fail(*e, "expected a duration from " + format_duration(min) + " to " + format_duration(max) +
                 ", found " + quote(*text));
    return false;
  }
  out = *d;
  return true;
}

bool SectionReader::get_size(std::string_view key, std::uint64_t& out, std::uint64_t min,
                             std::uint64_t max) {
  const Entry* e = lookup(key);
  if (e == nullptr) return false;
  const std::string* text = scalar(*e, "a size such as 512MiB");
  if (text == nullptr) return false;
  const auto s = parse_size(*text);
  if (!s) {
    fail(*e, s.error().detail);
    return false;
  }
  if (*s < min || *s > max) {
    fail(*e, "expected a size from " + format_size(min) + " to " + format_size(max) +
                 ", found " + quote(*text));
    return false;
  }
  out = *s;
  return true;
}

bool SectionReader::get_path(std::string_view key, std::filesystem::path& out) {
  const Entry* e = lookup(key);
  if (e == nullptr) return false;
  const std::string* text = scalar(*e, "a path");
  if (text == nullptr) return false;
  if (text->empty()) {
    fail(*e, "expected a path, found an empty string");
    return false;
  }
  std::filesystem::path p(*text);
  if (p.is_relative() && !ctx_.base_dir.empty()) p = (ctx_.base_dir / p).lexically_normal();
  out = std::move(p);
  return true;
}

bool SectionReader::get_section(std::string_view key,
                                const std::function<void(SectionReader&)>& body) {
  const Entry* e = lookup(key);
  if (e == nullptr) return false;
  SectionReader child(ctx_, e->value, qualified(key), e->key_mark);
  body(child);
  child.finish();
  return true;
}

bool SectionReader::get_list(std::string_view key,
                             const std::function<void(SectionReader&, std::size_t)>& item) {
  const Entry* e = lookup(key);
  if (e == nullptr) return false;
  if (e->value.IsNull()) return true;
  if (!e->value.IsSequence()) {
    fail(*e, "expected a sequence of mappings (items starting with '- '), found " +
                 describe(e->value));
    return false;
  }
  std::size_t index = 0;
  for (const YAML::Node& node : e->value) {
    const YAML::Mark at = node.Mark().is_null() ? e->key_mark : node.Mark();
    SectionReader child(ctx_, node, qualified(key) + "[" + std::to_string(index) + "]", at);
    item(child, index);
    child.finish();
    ++index;
  }
  return true;
}

void SectionReader::report(std::string_view key, std::string_view message) {
  const auto it = index_.find(std::string(key));
  if (it == index_.end()) {
    ctx_.issues.add(at_, qualified(key) + ": " + std::string(message));
    return;
  }
  fail(entries_[it->second], message);
}

void SectionReader::finish() {
  if (finished_) return;
  finished_ = true;
  const std::string allowed =
      allowed_.empty() ? "(this mapping takes no keys)" : "(expected one of: " + join(allowed_) + ")";
  for (const Entry& e : entries_) {
    if (e.asked) continue;
    ctx_.issues.add(e.key_mark, "unknown key " + quote(e.key) +
                                    (path_.empty() ? " at top level " : " in " + path_ + " ") +
                                    allowed);
  }
}

}  // namespace meterd::config
