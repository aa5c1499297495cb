// config_fuzz: feeds arbitrary bytes to load_config_text(). It must never crash, hang or throw:
// every input is either a Config or a list of issues, each with a message and a sane position.
#include "src/config/config.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto result = meterd::config::load_config_text(text, "fuzz.yaml");
  if (result) return 0;
  if (result.error().issues.empty()) std::abort();  // a failure must say why
  for (const auto& issue : result.error().issues) {
    if (issue.message.empty() || issue.line < 0 || issue.column < 0 ||
        issue.file != "fuzz.yaml") {
      std::abort();
    }
    (void)issue.to_string();
  }
  return 0;
}
