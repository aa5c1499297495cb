// config/sections.hpp: the readers of the configuration's sections, one per file.
//
// Each reads one mapping of the file into its struct with the getters of SectionReader; the
// caller reports unknown keys afterwards. A new section is a struct in config.hpp, a
// read_<name>() here and in <name>_section.cpp, and one line in read_document().
// Internal to meterd_config. Not thread-safe (they write into the load's IssueList).
#pragma once

#include "src/config/config.hpp"
#include "src/config/yaml_reader.hpp"

namespace meterd::config {

// The top level: one key per section.
void read_document(SectionReader& root, Config& out);

void read_gateway(SectionReader& section, GatewayConfig& out);  // gateway_section.cpp
// gateway.state_dir before the file is read: $STATE_DIRECTORY when set (gateway_section.cpp).
void default_state_dir(GatewayConfig& out);
void read_log(SectionReader& section, LogConfig& out);          // log_section.cpp
void read_time(SectionReader& section, TimeConfig& out);        // time_section.cpp
// The list under `buses`, with checks across buses (unique ids). bus_section.cpp
void read_buses(SectionReader& root, std::vector<BusConfig>& out);
// Empty when `id` can name a bus, meter or sub-meter ([A-Za-z0-9._-]{1,64}), else what is wrong
// with it (bus_section.cpp).
std::string check_id(const std::string& id);
// `nilm`, after `buses`: its meters must be meters of `buses` (nilm_section.cpp).
void read_nilm(SectionReader& section, const std::vector<BusConfig>& buses, NilmConfig& out);
// `store`, then its default paths under gateway.state_dir (store_section.cpp).
void read_store(SectionReader& section, StoreConfig& out);
void default_store_paths(const GatewayConfig& gateway, StoreConfig& out);
// `api`, with checks across listeners (api_section.cpp).
void read_api(SectionReader& section, ApiConfig& out);
// `uplink`, then its quarantine directory under gateway.state_dir (uplink_section.cpp).
void read_uplink(SectionReader& section, UplinkConfig& out);
void default_uplink_paths(const GatewayConfig& gateway, UplinkConfig& out);

}  // namespace meterd::config
