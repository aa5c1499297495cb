// src/app/logging.hpp: process-wide spdlog set-up for the daemon and its commands.
//
// Logs go to stderr. Under systemd (stderr is the journal stream named by $JOURNAL_STREAM,
// systemd.exec(5)) lines carry no timestamp of their own and start with the sd-daemon(3)
// priority prefix "<N>" so journald records the level; elsewhere lines start with a UTC
// ISO 8601 timestamp. The effective level is the --log-level override if given, else
// log.level from the configuration. Call these from the main thread (they reconfigure the
// spdlog registry); logging itself is thread-safe (_mt sinks).
#pragma once

#include <spdlog/common.h>

#include <optional>
#include <string_view>

#include "src/config/config.hpp"

namespace meterd::app {

enum class LogStyle { plain, journal };

// journal when $JOURNAL_STREAM is "DEV:INODE" of the file open as stderr (systemd.exec(5),
// "JOURNAL_STREAM"); plain otherwise.
LogStyle detect_log_style();

// The sd-daemon(3) syslog priority for an spdlog level: trace/debug 7, info 6, warn 4,
// error 3, critical 2.
int syslog_priority(spdlog::level::level_enum level) noexcept;

spdlog::level::level_enum to_spdlog(config::LogLevel level) noexcept;

// Installs a stderr logger named "meterd" as spdlog's default with the style's pattern, for
// every logger the registry creates later too.
void init_logging(LogStyle style, config::LogLevel level);

// The level in force: `override` if set, else `configured`.
config::LogLevel effective_level(config::LogLevel configured,
                                 std::optional<config::LogLevel> override) noexcept;

// Applies `level` to every registered logger and to loggers created later.
void set_log_level(config::LogLevel level);

}  // namespace meterd::app
