#include "src/app/store_commands.hpp"

#include <openssl/crypto.h>

#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "meterd/clock.hpp"
#include "meterd/obis.hpp"
#include "meterd/time.hpp"
#include "src/app/output_file.hpp"
#include "src/app/store_setup.hpp"
#include "src/store/export_csv.hpp"

namespace meterd::app {
namespace {

// The options of one command: `--name VALUE` or `--name=VALUE`, each at most once unless
// repeatable, plus positional words.
struct ParsedArgs {
  std::map<std::string, std::vector<std::string>> options;
  std::vector<std::string> positional;

  std::optional<std::string> get(const std::string& name) const {
    const auto it = options.find(name);
    if (it == options.end()) return std::nullopt;
    return it->second.front();
  }
};

Result<ParsedArgs> parse_args(std::span<const std::string> args,
                              const std::set<std::string>& allowed,
                              const std::set<std::string>& repeatable) {
  ParsedArgs p;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& word = args[i];
    if (!word.starts_with("--")) {
      p.positional.push_back(word);
      continue;
    }
    std::string name = word.substr(2);
    std::optional<std::string> value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    if (!allowed.contains(name)) {
      return Error{Errc::invalid_argument, "unknown option '--" + name + "'"};
    }
    if (!value) {
      if (i + 1 >= args.size()) {
        return Error{Errc::invalid_argument, "option '--" + name + "' needs a value"};
      }
      value = args[++i];
    }
    auto& values = p.options[name];
    if (!values.empty() && !repeatable.contains(name)) {
      return Error{Errc::invalid_argument, "option '--" + name + "' given twice"};
    }
    values.push_back(*value);
  }
  return p;
}

int usage(StoreIo io, std::string_view command, const Error& e, std::string_view synopsis) {
  io.err << "meterd " << command << ": " << e.detail << "\nusage: meterd " << command << ' '
         << synopsis << '\n';
  return kExitUsage;
}

int failure(StoreIo io, std::string_view command, const Error& e) {
  io.err << "meterd " << command << ": " << e.detail << '\n';
  return kExitFailure;
}

// The configuration's store section, or nullopt after printing every issue.
std::optional<config::StoreConfig> store_config(const ParsedArgs& p,
                                                const std::filesystem::path& fallback, StoreIo io) {
  const std::filesystem::path path = p.get("config").value_or(fallback.string());
  auto loaded = config::load_config(path);
  if (!loaded) {
    io.err << loaded.error().to_string() << '\n';
    return std::nullopt;
  }
  return loaded->store;
}

// The id of the key in `file` (the file is read, its bytes wiped).
Result<store::KeyId> key_id_in(const std::filesystem::path& file) {
  auto key = store::read_key_file(file);
  if (!key) return key.error();
  const store::KeyId id = store::key_id_of(*key);
  OPENSSL_cleanse(key->data(), key->size());
  return id;
}

// The store at `c`, read-only, with every key it can have.
Result<std::unique_ptr<store::Store>> open_read_only(const config::StoreConfig& c,
                                                     const Clock& clock) {
  if (std::error_code ec; !std::filesystem::exists(c.path, ec)) {
    return Error{Errc::not_found,
                 "no store at " + c.path.string() + " (meterd creates it at its first start)"};
  }
  auto keys = load_keys(c);
  if (!keys) return keys.error();
  auto s = store::Store::open_read_only(store_options(c), clock, std::move(*keys));
  if (!s) return Error{s.error().code, c.path.string() + ": " + s.error().detail};
  return s;
}

constexpr std::string_view kKeySynopsis = "generate|rotate [--config FILE]";
constexpr std::string_view kVerifySynopsis = "[--config FILE]";
constexpr std::string_view kExportSynopsis =
    "--meter ID --from TIME --to TIME [--obis CODE]... [--format csv] [--output FILE] "
    "[--config FILE]";

}  // namespace

int run_key_command(std::span<const std::string> args, const std::filesystem::path& config,
                    StoreIo io) {
  const auto p = parse_args(args, {"config"}, {});
  if (!p) return usage(io, "key", p.error(), kKeySynopsis);
  if (p->positional.size() != 1 ||
      (p->positional[0] != "generate" && p->positional[0] != "rotate")) {
    return usage(io, "key", Error{Errc::invalid_argument, "expected generate or rotate"},
                 kKeySynopsis);
  }
  const bool generate = p->positional[0] == "generate";
  const auto c = store_config(*p, config, io);
  if (!c) return kExitFailure;
  auto made = generate ? store::generate_key(c->key_dir) : store::rotate_key(c->key_dir);
  if (!made) return failure(io, generate ? "key generate" : "key rotate", made.error());
  const auto id = key_id_in(*made);
  if (!id) return failure(io, generate ? "key generate" : "key rotate", id.error());
  if (generate) {
    io.out << "generated " << made->string() << " (key id " << format_key_id(*id)
           << ")\nback it up somewhere safe: without it the stored data cannot be read\n";
  } else {
    io.out << "generated " << made->string() << " (key id " << format_key_id(*id)
           << "); older keys are now read-only and still open old chunks\n"
              "restart meterd (systemctl restart meterd) to seal new chunks with it\n";
  }
  if (!c->key_credential.empty()) {
    io.out << "note: store.key_credential (" << c->key_credential
           << ") is configured: while that credential is present, it seals new chunks\n";
  }
  return kExitOk;
}

int run_verify_command(std::span<const std::string> args, const std::filesystem::path& config,
                       StoreIo io) {
  const auto p = parse_args(args, {"config"}, {});
  if (!p) return usage(io, "verify", p.error(), kVerifySynopsis);
  if (!p->positional.empty()) {
    return usage(io, "verify",
                 Error{Errc::invalid_argument, "unexpected argument '" + p->positional[0] + "'"},
                 kVerifySynopsis);
  }
  const auto c = store_config(*p, config, io);
  if (!c) return kExitFailure;
  const SystemClock clock;
  auto s = open_read_only(*c, clock);
  if (!s) return failure(io, "verify", s.error());
  const auto report = (*s)->verify();
  if (!report) return failure(io, "verify", report.error());
  for (const auto& bad : report->bad) {
    io.out << "BAD " << (bad.staging_row ? "staging row " : "chunk ") << bad.chunk_id << " meter "
           << bad.meter << " window " << format_utc(bad.window_start) << ": " << bad.reason << '\n';
  }
  io.out << c->path.string() << ": " << report->chunks << " chunks (" << report->values
         << " values), " << report->staging_rows << " staging rows (" << report->staging_readings
         << " readings): ";
  if (report->clean()) {
    io.out << "all authentic\n";
    return kExitOk;
  }
  io.out << report->bad.size() << " failed authentication or decoding\n";
  return kExitFailure;
}

int run_export_command(std::span<const std::string> args, const std::filesystem::path& config,
                       StoreIo io) {
  const auto p =
      parse_args(args, {"config", "meter", "from", "to", "obis", "format", "output"}, {"obis"});
  if (!p) return usage(io, "export", p.error(), kExportSynopsis);
  auto bad_usage = [&](std::string message) {
    return usage(io, "export", Error{Errc::invalid_argument, std::move(message)}, kExportSynopsis);
  };
  if (!p->positional.empty()) return bad_usage("unexpected argument '" + p->positional[0] + "'");
  for (const char* required : {"meter", "from", "to"}) {
    if (!p->get(required)) return bad_usage(std::string("missing --") + required);
  }
  if (const auto f = p->get("format"); f && *f != "csv") {
    return bad_usage("unsupported format '" + *f + "' (expected csv)");
  }
  store::ExportRequest request;
  request.meter = *p->get("meter");
  for (const char* bound : {"from", "to"}) {
    const auto t = parse_utc(*p->get(bound));
    if (!t) return bad_usage(std::string("--") + bound + ": " + t.error().detail);
    (std::string_view(bound) == "from" ? request.from : request.to) = *t;
  }
  if (request.from >= request.to) return bad_usage("--from must be before --to");
  if (const auto it = p->options.find("obis"); it != p->options.end()) {
    for (const auto& text : it->second) {
      const auto code = ObisCode::parse(text);
      if (!code) return bad_usage("--obis: " + code.error().detail);
      request.obis.push_back(*code);
    }
  }
  const auto c = store_config(*p, config, io);
  if (!c) return kExitFailure;
  const SystemClock clock;
  auto s = open_read_only(*c, clock);
  if (!s) return failure(io, "export", s.error());

  // Replaced whole when complete, a device or pipe written in place (output_file.hpp).
  std::optional<OutputFile> file;
  const auto output = p->get("output");
  if (output) {
    auto opened = OutputFile::open(*output);
    if (!opened) return failure(io, "export", opened.error());
    file.emplace(std::move(*opened));
  }
  std::ostream& out = file ? file->stream() : io.out;
  const auto n = store::export_csv(**s, request, out);
  if (!n) return failure(io, "export", n.error());
  if (file) {
    if (auto committed = file->commit(); !committed) return failure(io, "export", committed.error());
  } else if (!out.flush()) {
    return failure(io, "export", Error{Errc::io_error, "write failed"});
  }
  if (output) io.err << "exported " << *n << " values to " << *output << '\n';
  return kExitOk;
}

void add_store_commands(CommandTable& commands) {
  const StoreIo io{std::cout, std::cerr};
  (void)commands.add({.name = "key",
                      .summary = "the store's sealing keys: generate, rotate",
                      .handler = [io](const CommandLine& cl) {
                        return run_key_command(cl.command_args, cl.config_path(), io);
                      }});
  (void)commands.add({.name = "verify",
                      .summary = "authenticate every stored chunk; exit 1 if one is bad",
                      .handler = [io](const CommandLine& cl) {
                        return run_verify_command(cl.command_args, cl.config_path(), io);
                      }});
  (void)commands.add({.name = "export",
                      .summary = "stored readings of one meter as CSV",
                      .handler = [io](const CommandLine& cl) {
                        return run_export_command(cl.command_args, cl.config_path(), io);
                      }});
}

}  // namespace meterd::app
