#include "src/app/command_line.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace meterd::app {
namespace {

constexpr std::array<std::pair<std::string_view, config::LogLevel>, 7> kLevels{{
    {"trace", config::LogLevel::trace},
    {"debug", config::LogLevel::debug},
    {"info", config::LogLevel::info},
    {"warn", config::LogLevel::warn},
    {"error", config::LogLevel::error},
    {"critical", config::LogLevel::critical},
    {"off", config::LogLevel::off},
}};

Error usage_error(std::string detail) { return Error{Errc::invalid_argument, std::move(detail)}; }

// Splits "--name=value" into name and value; a word without '=' has no inline value.
std::pair<std::string_view, std::optional<std::string_view>> split_option(std::string_view word) {
  const auto eq = word.find('=');
  if (eq == std::string_view::npos) return {word, std::nullopt};
  return {word.substr(0, eq), word.substr(eq + 1)};
}

}  // namespace

std::filesystem::path CommandLine::config_path() const {
  return config ? *config : std::filesystem::path{kDefaultConfigPath};
}

Result<config::LogLevel> parse_log_level(std::string_view text) {
  for (const auto& [name, level] : kLevels) {
    if (name == text) return level;
  }
  return usage_error("invalid log level '" + std::string{text} +
                     "' (expected one of: trace, debug, info, warn, error, critical, off)");
}

Result<CommandLine> parse_command_line(std::span<const std::string_view> args) {
  CommandLine cl;
  std::size_t i = 0;
  // Takes the option's value: inline after '=', else the next word.
  auto take_value = [&](std::string_view name,
                        std::optional<std::string_view> inline_value) -> Result<std::string_view> {
    if (inline_value) {
      if (inline_value->empty())
        return usage_error("option " + std::string{name} + " needs a value");
      return *inline_value;
    }
    if (i + 1 >= args.size()) return usage_error("option " + std::string{name} + " needs a value");
    return args[++i];
  };

  for (; i < args.size(); ++i) {
    const std::string_view word = args[i];
    if (word.empty() || word.front() != '-' || word == "-") break;  // first positional word
    if (word == "--") {
      ++i;
      break;
    }
    const auto [name, inline_value] = split_option(word);
    const bool is_flag = name == "--help" || name == "-h" || name == "--version" || name == "-V";
    if (is_flag && inline_value) {
      return usage_error("option " + std::string{name} + " takes no value");
    }
    if (name == "--help" || name == "-h") {
      cl.help = true;
    } else if (name == "--version" || name == "-V") {
      cl.version = true;
    } else if (name == "--config" || name == "--check-config") {
      auto value = take_value(name, inline_value);
      if (!value) return value.error();
      auto& slot = name == "--config" ? cl.config : cl.check_config;
      if (slot) return usage_error("option " + std::string{name} + " given twice");
      slot = std::filesystem::path{std::string{*value}};
    } else if (name == "--log-level") {
      auto value = take_value(name, inline_value);
      if (!value) return value.error();
      if (cl.log_level) return usage_error("option --log-level given twice");
      auto level = parse_log_level(*value);
      if (!level) return level.error();
      cl.log_level = *level;
    } else {
      return usage_error("unknown option '" + std::string{word} + "'");
    }
  }
  if (i < args.size()) {
    cl.command = std::string{args[i]};
    for (++i; i < args.size(); ++i) cl.command_args.emplace_back(args[i]);
  }
  return cl;
}

Result<void> CommandTable::add(Command command) {
  if (command.name.empty() || command.name.front() == '-') {
    return usage_error("command name '" + command.name + "' is empty or starts with '-'");
  }
  if (find(command.name) != nullptr) {
    return usage_error("command '" + command.name + "' registered twice");
  }
  commands_.push_back(std::move(command));
  return {};
}

const Command* CommandTable::find(std::string_view name) const {
  const auto it = std::find_if(commands_.begin(), commands_.end(),
                               [&](const Command& c) { return c.name == name; });
  return it == commands_.end() ? nullptr : &*it;
}

std::string usage_text(std::string_view program, const CommandTable& commands) {
  std::string out;
  out += "Usage: " + std::string{program} + " [OPTION]... [COMMAND [ARG]...]\n";
  out += "Reads electricity meters, stores, uploads and serves their data.\n";
  out += "Without a COMMAND, runs the daemon.\n\n";
  out += "Options:\n";
  out += "  --config FILE         configuration file (default ";
  out += std::string{kDefaultConfigPath} + ")\n";
  out += "  --log-level LEVEL     override log.level: trace, debug, info, warn, error,\n";
  out += "                        critical, off (also after a reload)\n";
  out += "  --check-config FILE   validate FILE, print every problem, exit 0 if it is valid\n";
  out += "  -h, --help            print this help and exit\n";
  out += "  -V, --version         print version and git revision and exit\n";
  if (!commands.commands().empty()) {
    out += "\nCommands:\n";
    for (const Command& c : commands.commands()) {
      std::string line = "  " + c.name;
      line.resize(std::max<std::size_t>(line.size() + 2, 24), ' ');
      out += line + c.summary + "\n";
    }
  }
  out += "\nSignals: SIGTERM/SIGINT stop gracefully, SIGHUP reloads the configuration.\n";
  return out;
}

}  // namespace meterd::app
