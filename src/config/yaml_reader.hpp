// config/yaml_reader.hpp: typed, validating access to the mappings of a YAML configuration.
//
// Each section of the configuration is read by one small function that asks a SectionReader
// for its keys with typed getters (string, integer in a range, bool, enum, duration, size, path,
// nested mapping, sequence of mappings). The reader remembers every key asked for, so finish()
// can report each key of the file that nobody asked for as "unknown key 'levle' in log
// (expected one of: level)". A getter leaves its output untouched (the default) when the key is
// absent and also when the value is wrong, in which case it records an issue at the value's
// line and column and returns false; loading goes on so that every issue is reported at once.
// Internal to meterd_config. Not thread-safe: one load owns its IssueList and readers.
#pragma once

#include "src/config/config.hpp"

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace meterd::config {

// The issues of one load, 1-based positions from yaml-cpp's 0-based marks.
class IssueList {
 public:
  explicit IssueList(std::string file) : file_(std::move(file)) {}

  // Records `message` at `at`; an unknown mark (line -1) becomes line 0, column 0.
  void add(const YAML::Mark& at, std::string message);
  // Records a problem with the file as a whole (line 0, column 0).
  void add_file_issue(std::string message);
  bool empty() const noexcept { return issues_.empty(); }
  // The issues ordered by position (file-wide ones first), leaving this list empty.
  std::vector<ConfigIssue> take();

 private:
  std::string file_;
  std::vector<ConfigIssue> issues_;
};

// What every reader of one load shares.
struct ReadContext {
  IssueList& issues;
  std::filesystem::path base_dir;  // relative paths are resolved against it; empty: kept as is
};

// One name of an enum as written in the file.
template <class E>
struct EnumName {
  std::string_view name;
  E value;
};

class SectionReader {
 public:
  // Reads `node`, the mapping called `path` ("" for the document, "gateway", "buses[0]");
  // `at` is where issues about the mapping as a whole are reported (its key, or the list item).
  // A null node (`log:` with nothing after it) reads as an empty mapping; any other node that is
  // not a mapping is reported once and reads as empty. Duplicate keys are reported here.
  SectionReader(ReadContext& ctx, const YAML::Node& node, std::string path, YAML::Mark at);
  SectionReader(const SectionReader&) = delete;
  SectionReader& operator=(const SectionReader&) = delete;

  // Whether `key` is present; declares it as allowed.
  bool has(std::string_view key);
  // Like has(), and reports "missing required key" when it is absent (unless the node was
  // already reported as not a mapping).
  bool require(std::string_view key);

  bool get_string(std::string_view key, std::string& out);
  // Integers in [min, max] (both must fit std::int64_t), written in decimal.
  template <class T>
  bool get_int(std::string_view key, T& out, T min, T max) {
    std::int64_t v = 0;
    if (!get_int64(key, v, static_cast<std::int64_t>(min), static_cast<std::int64_t>(max))) {
      return false;
    }
    out = static_cast<T>(v);
    return true;
  }
  // `true` or `false` (also True/TRUE/False/FALSE, as YAML 1.2); not yes/no/on/off.
  bool get_bool(std::string_view key, bool& out);
  // One of `names`, case-sensitive; `index` is set to its position.
  bool get_choice(std::string_view key, std::span<const std::string_view> names,
                  std::size_t& index);
  template <class E, std::size_t N>
  bool get_enum(std::string_view key, E& out, const EnumName<E> (&names)[N]) {
    std::string_view plain[N];
    for (std::size_t i = 0; i < N; ++i) plain[i] = names[i].name;
    std::size_t index = 0;
    if (!get_choice(key, plain, index)) return false;
    out = names[index].value;
    return true;
  }
  // parse_duration() syntax, then [min, max].
  bool get_duration(std::string_view key, std::chrono::milliseconds& out,
                    std::chrono::milliseconds min, std::chrono::milliseconds max);
  // parse_size() syntax, then [min, max].
  bool get_size(std::string_view key, std::uint64_t& out, std::uint64_t min,
                std::uint64_t max = std::numeric_limits<std::uint64_t>::max());
  // A decimal number in [min, max] (yaml_reader_values.cpp).
  bool get_double(std::string_view key, double& out, double min, double max);
  // A sequence of integers, each in [min, max], e.g. `[1, 2]` (yaml_reader_values.cpp).
  bool get_int_list(std::string_view key, std::vector<std::int64_t>& out, std::int64_t min,
                    std::int64_t max);
  // A sequence of names, each one of `names` (case-sensitive) and at most once, e.g.
  // `[lighting, it]`; `out` gets their indexes in `names`, in the file's order. Each bad item is
  // reported at its own position (yaml_reader_values.cpp). An empty sequence is read as empty.
  bool get_choice_list(std::string_view key, std::span<const std::string_view> names,
                       std::vector<std::size_t>& out);
  // A non-empty path; relative ones are resolved against ReadContext::base_dir.
  bool get_path(std::string_view key, std::filesystem::path& out);

  // Reads the mapping under `key` with `body`, then reports its unknown keys. False if absent.
  bool get_section(std::string_view key, const std::function<void(SectionReader&)>& body);
  // Reads the sequence of mappings under `key`, each with `item(reader, index)`, then reports
  // each item's unknown keys. A null value is an empty sequence. False if absent or not a list.
  bool get_list(std::string_view key,
                const std::function<void(SectionReader&, std::size_t)>& item);

  // Records `message`, prefixed with "<path>.<key>: ", at the value of `key` (or at the mapping
  // when the key is absent): for checks a getter cannot make (a pattern, two keys that clash).
  void report(std::string_view key, std::string_view message);

  // Reports every key present but never asked for. Call once, after all getters.
  void finish();

  const std::string& path() const noexcept { return path_; }
  ReadContext& context() noexcept { return ctx_; }

 private:
  struct Entry {
    std::string key;
    YAML::Mark key_mark;
    YAML::Node value;
    bool asked = false;
  };

  Entry* lookup(std::string_view key);
  // The scalar text of `e`, or nullptr after reporting "expected <expected>, found ...".
  const std::string* scalar(const Entry& e, std::string_view expected);
  bool get_int64(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max);
  YAML::Mark value_mark(const Entry& e) const;
  std::string qualified(std::string_view key) const;
  void fail(const Entry& e, std::string_view message);

  ReadContext& ctx_;
  std::string path_;
  YAML::Mark at_;
  std::vector<Entry> entries_;
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<std::string> allowed_;
  bool mapping_ = true;  // false: the node was something else (reported once, reads as empty)
  bool finished_ = false;
};

// How a node reads in a message: "'fast'", "nothing", "a mapping", "a sequence".
std::string describe(const YAML::Node& node);

}  // namespace meterd::config
