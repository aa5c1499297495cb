// config/quote.hpp: renders text a user wrote inside an error message.
//
// Messages quote what was found ("found 'fast'"); the text may be anything a file holds, so it
// is bounded and made printable. Internal to meterd_config. Pure function, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace meterd::config {

// 'text' in single quotes; bytes outside printable ASCII as \xNN; longer than kMaxQuoted bytes
// cut with "...". quote("fast") == "'fast'".
inline constexpr std::size_t kMaxQuoted = 48;
std::string quote(std::string_view text);

}  // namespace meterd::config
