#include "src/config/yaml_stream.hpp"

#include "src/config/quote.hpp"

#include <yaml-cpp/eventhandler.h>

#include <sstream>

namespace meterd::config {
namespace {

// Remembers where a document starts and ignores everything else.
class DocumentStart final : public YAML::EventHandler {
 public:
  YAML::Mark start = YAML::Mark::null_mark();

  void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// Walks up to three documents of `text`; false after recording a problem.
bool check_stream(const std::string& text, IssueList& issues) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  YAML::Mark second = YAML::Mark::null_mark();
  YAML::Mark previous = YAML::Mark::null_mark();
  for (int document = 0; document < 3; ++document) {
    DocumentStart handler;
    if (!parser.HandleNextDocument(handler)) break;
    if (document > 0 && handler.start.pos == previous.pos) {
      const auto pos = static_cast<std::size_t>(handler.start.pos);
      issues.add(handler.start, "YAML syntax error: unexpected " +
                                    (pos < text.size() ? quote(text.substr(pos, 1))
                                                       : std::string("end of input")));
      return false;
    }
    if (document == 1) second = handler.start;
    previous = handler.start;
  }
  if (!second.is_null()) {
    issues.add(second, "expected a single YAML document, found another one");
    return false;
  }
  return true;
}

}  // namespace

YAML::Node load_single_document(const std::string& text, IssueList& issues) {
  try {
    if (!check_stream(text, issues)) return {};
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    issues.add(e.mark, "YAML syntax error: " + e.msg);
  }
  return {};
}

}  // namespace meterd::config
