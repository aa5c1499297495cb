// Rendering of configuration issues, and the error hook of ConfigResult.
#include "src/config/config.hpp"

#include <boost/throw_exception.hpp>

#include <stdexcept>

namespace meterd::config {

std::string ConfigIssue::to_string() const {
  std::string out = file;
  if (line > 0) {
    out += ':' + std::to_string(line) + ':' + std::to_string(column);
  }
  out += ": ";
  out += message;
  return out;
}

std::string ConfigErrors::to_string() const {
  std::string out;
  for (const auto& issue : issues) {
    if (!out.empty()) out += '\n';
    out += issue.to_string();
  }
  return out;
}

void throw_exception_from_error(const ConfigErrors& e, const boost::source_location& loc) {
  boost::throw_exception(std::runtime_error(e.to_string()), loc);
}

}  // namespace meterd::config
