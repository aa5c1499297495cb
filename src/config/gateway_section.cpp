// The `gateway` section: who this box is and where it keeps its state.
#include "src/config/sections.hpp"

#include <cstdlib>
#include <string_view>

namespace meterd::config {

void read_gateway(SectionReader& section, GatewayConfig& out) {
  std::string id;
  if (section.get_string("id", id)) {
    if (const std::string problem = check_id(id); problem.empty()) {
      out.id = std::move(id);
    } else {
      section.report("id", problem);
    }
  }
  section.get_path("state_dir", out.state_dir);
}

void default_state_dir(GatewayConfig& out) {
  // systemd's StateDirectory= hands the directory over in $STATE_DIRECTORY (systemd.exec(5),
  // the first of a colon-separated list).
  if (const char* env = std::getenv("STATE_DIRECTORY"); env != nullptr && *env != '\0') {
    const std::string_view dirs{env};
    out.state_dir = std::string{dirs.substr(0, dirs.find(':'))};
  }
}

}  // namespace meterd::config
