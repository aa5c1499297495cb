#include "src/app/cli.hpp"

#include <iostream>
#include <string>

#include "src/app/build_info.hpp"
#include "src/app/run_daemon.hpp"
#include "src/config/config.hpp"

namespace meterd::app {

void add_builtin_commands(CommandTable& commands) {
  // The table is empty here, so adding cannot collide.
  (void)commands.add({.name = "help",
                      .summary = "print this help and exit",
                      .handler = [&commands](const CommandLine&) {
                        std::cout << usage_text("meterd", commands);
                        return kExitOk;
                      }});
}

int check_config(const std::filesystem::path& file) {
  const auto loaded = config::load_config(file);
  if (loaded) {
    std::cout << file.string() << ": ok\n";
    return kExitOk;
  }
  for (const auto& issue : loaded.error().issues) std::cerr << issue.to_string() << '\n';
  return kExitFailure;
}

int run_cli(std::span<const std::string_view> args, const CommandTable& commands) {
  const std::string program = args.empty()
                                  ? std::string{"meterd"}
                                  : std::filesystem::path{args.front()}.filename().string();
  const auto parsed = parse_command_line(args.empty() ? args : args.subspan(1));
  if (!parsed) {
    std::cerr << program << ": " << parsed.error().detail << "\nTry '" << program
              << " --help' for more information.\n";
    return kExitUsage;
  }
  const CommandLine& cl = *parsed;
  if (cl.help) {
    std::cout << usage_text(program, commands);
    return kExitOk;
  }
  if (cl.version) {
    std::cout << "meterd " << kVersion << " (git " << kGitRevision << ")\n";
    return kExitOk;
  }
  if (cl.check_config) return check_config(*cl.check_config);
  if (!cl.command.empty()) {
    const Command* command = commands.find(cl.command);
    if (command == nullptr) {
      std::cerr << program << ": unknown command '" << cl.command << "'\nTry '" << program
                << " --help' for more information.\n";
      return kExitUsage;
    }
    return command->handler(cl);
  }
  return run_daemon(cl);
}

}  // namespace meterd::app
