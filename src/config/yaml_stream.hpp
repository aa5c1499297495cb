// config/yaml_stream.hpp: parses the YAML stream of a configuration file into its one document.
//
// A configuration is a single YAML document. yaml-cpp 0.7's LoadAll() loops forever on a stray
// flow indicator at document level (the input "," yields an empty document again and again
// without consuming anything), and Load() reads such input as an empty, valid document. So the
// stream is first walked event by event for at most three documents, which finds syntax errors
// anywhere in it, a second document, and a parser that makes no progress; only then is the first
// document loaded into nodes. Internal to meterd_config. Reentrant; no shared state.
#pragma once

#include "src/config/yaml_reader.hpp"

#include <yaml-cpp/yaml.h>

#include <string>

namespace meterd::config {

// The document of `text`, or a null node after recording the problem in `issues` (a YAML syntax
// error at yaml-cpp's position, more than one document, content yaml-cpp cannot move past).
// An empty stream is a null node and no issue. Never throws YAML::Exception.
YAML::Node load_single_document(const std::string& text, IssueList& issues);

}  // namespace meterd::config
