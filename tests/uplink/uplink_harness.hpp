// tests/uplink/uplink_harness.hpp: the real parts of the uplink integration tests: certificates
// made by the openssl CLI (make_certs.sh), nginx in a temp dir on 127.0.0.1 with client
// certificate checks proxying to the Python receiver (receiver.py), a store with chunks, and the
// check that every reading arrived exactly once.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "src/store/store.hpp"
#include "src/store/store_upload_queue.hpp"
#include "src/uplink/batch_codec.hpp"
#include "src/uplink/gzip.hpp"
#include "tests/uplink/process.hpp"
#include "tests/uplink/uplink_data.hpp"

namespace meterd::uplink::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "meterd-uplink-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

inline std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_text(const fs::path& p, const std::string& text) {
  const auto tmp = p.string() + ".tmp";
  std::ofstream(tmp, std::ios::binary | std::ios::trunc) << text;
  fs::rename(tmp, p);
}

// Waits until pred() or the deadline; returns pred().
template <class Pred>
bool wait_for(Pred pred, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return pred();
}

// A port that was free a moment ago on 127.0.0.1.
inline std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

inline bool port_open(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

inline fs::path source_file(const std::string& name) {
  return fs::path(METERD_SOURCE_DIR) / "tests" / "uplink" / name;
}

// The certificates of make_certs.sh, made once per test binary run.
inline const fs::path& pki_dir() {
  static TempDir dir;
  static bool made = [] {
    const std::string cmd =
        "sh " + source_file("make_certs.sh").string() + " " + (dir.path() / "pki").string();
    return std::system(cmd.c_str()) == 0;
  }();
  EXPECT_TRUE(made);
  static fs::path p = dir.path() / "pki";
  return p;
}

// The Python receiver (receiver.py) in `dir`.
class Receiver {
 public:
  explicit Receiver(fs::path dir) : dir_(std::move(dir)) {
    fs::create_directories(dir_);
    proc_.start({"python3", source_file("receiver.py").string(), dir_.string()},
                (dir_ / "receiver.log").string());
    EXPECT_TRUE(wait_for([&] { return fs::exists(dir_ / "port"); }, 10s));
    port_ = static_cast<std::uint16_t>(std::stoi(read_text(dir_ / "port")));
  }
  std::uint16_t port() const { return port_; }
  void set_mode(const std::string& mode) { write_text(dir_ / "mode", mode); }

  struct Record {
    nlohmann::json meta;
    std::vector<std::uint8_t> body;
  };
  // Every request recorded so far, in arrival order.
  std::vector<Record> records() const {
    std::vector<Record> out;
    std::set<fs::path> metas;
    if (!fs::exists(dir_ / "records")) return out;
    for (const auto& e : fs::directory_iterator(dir_ / "records"))
      if (e.path().extension() == ".meta") metas.insert(e.path());
    for (const auto& m : metas) {
      Record r;
      r.meta = nlohmann::json::parse(read_text(m));
      auto body = m;
      body.replace_extension(".body");
      const auto text = read_text(body);
      r.body.assign(text.begin(), text.end());
      out.push_back(std::move(r));
    }
    return out;
  }
  std::size_t batches_seen() const {
    std::size_t n = 0;
    for (const auto& r : records())
      if (r.meta["content_type"].get<std::string>().find("heartbeat") == std::string::npos) ++n;
    return n;
  }

 private:
  fs::path dir_;
  Process proc_;
  std::uint16_t port_ = 0;
};

// nginx on 127.0.0.1:port with TLS, `ssl_verify_client on` against ca.crt, proxying to the
// receiver. A client certificate problem (nginx's 495/496) is answered 403, as docs/uplink.md
// asks of a server, so the gateway retries instead of quarantining.
class Nginx {
 public:
  Nginx(fs::path dir, std::uint16_t upstream_port, const std::string& server_cert = "server")
      : dir_(std::move(dir)), port_(free_port()) {
    fs::create_directories(dir_ / "tmp");
    const auto pki = pki_dir();
    std::ofstream conf(dir_ / "nginx.conf");
    conf << "user root;\nworker_processes 1;\ndaemon off;\nmaster_process off;\n"
         << "pid " << (dir_ / "nginx.pid").string() << ";\n"
         << "error_log " << (dir_ / "error.log").string() << " info;\n"
         << "events { worker_connections 64; }\n"
         << "http {\n  access_log " << (dir_ / "access.log").string() << ";\n";
    for (const char* t : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
      conf << "  " << t << "_temp_path " << (dir_ / "tmp" / t).string() << ";\n";
    conf << "  server {\n    listen 127.0.0.1:" << port_ << " ssl;\n"
         << "    ssl_protocols TLSv1.2 TLSv1.3;\n"
         << "    ssl_certificate " << (pki / (server_cert + ".crt")).string() << ";\n"
         << "    ssl_certificate_key " << (pki / (server_cert + ".key")).string() << ";\n"
         << "    ssl_client_certificate " << (pki / "ca.crt").string() << ";\n"
         << "    ssl_verify_client on;\n"
         << "    keepalive_timeout 75s;\n"
         << "    client_max_body_size 64m;\n"
         << "    proxy_request_buffering off;\n"
         << "    error_page 495 496 =403 /cert-refused;\n"
         << "    location = /cert-refused { return 403 \"client certificate refused\\n\"; }\n"
         << "    location / {\n      proxy_pass http://127.0.0.1:" << upstream_port << ";\n"
         << "      proxy_http_version 1.1;\n      proxy_set_header Connection \"\";\n"
         << "      proxy_read_timeout 30s;\n    }\n  }\n}\n";
    conf.close();
    start();
  }
  void start() {
    proc_.start({"nginx", "-p", dir_.string(), "-c", (dir_ / "nginx.conf").string()},
                (dir_ / "nginx.out").string());
    EXPECT_TRUE(wait_for([&] { return port_open(port_); }, 10s)) << read_text(dir_ / "error.log");
  }
  void kill() { proc_.kill(SIGKILL); }
  std::uint16_t port() const { return port_; }
  std::string url(const std::string& host = "127.0.0.1") const {
    return "https://" + host + ":" + std::to_string(port_) + "/api/v1/batches";
  }

 private:
  fs::path dir_;
  std::uint16_t port_;
  Process proc_;
};

// A store with `meters` meters x `windows` one-minute windows of 1 s readings, all chunks sealed.
struct FilledStore {
  std::unique_ptr<store::Store> store;
  std::vector<Reading> readings;  // everything published, in publish order
  std::size_t chunks = 0;
};

inline store::KeyBytes store_key() {
  store::KeyBytes k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(3 * i + 1);
  return k;
}

inline store::StoreOptions store_options(const fs::path& path) {
  store::StoreOptions o;
  o.path = path;
  o.window = 60s;
  return o;
}

inline std::vector<Reading> sample_readings(int meters, int windows) {
  std::vector<Reading> out;
  for (std::int64_t i = 0; i < 60 * windows; ++i)
    for (int m = 0; m < meters; ++m) out.push_back(sample_reading("meter-" + std::to_string(m), i));
  return out;
}

inline FilledStore fill_store(const fs::path& path, const Clock& clock, int meters, int windows) {
  FilledStore f;
  auto s = store::Store::open(store_options(path), clock,
                              store::KeyStore::from_keys({store_key()}).value());
  EXPECT_TRUE(s) << s.error().message();
  f.store = std::move(*s);
  f.readings = sample_readings(meters, windows);
  for (const auto& r : f.readings) f.store->publish(r);
  EXPECT_TRUE(f.store->flush());
  auto closed = f.store->close_all_windows();
  EXPECT_TRUE(closed);
  auto b = store::StoreUploadQueue(*f.store).backlog();
  f.chunks = b ? b->chunks : 0;
  EXPECT_EQ(f.chunks, static_cast<std::size_t>(meters * windows));
  return f;
}

// What the receiver got, decoded: batches by idempotency key, duplicates counted.
struct Delivery {
  std::map<std::string, DecodedBatch> batches;  // distinct, by key
  std::size_t duplicates = 0;                   // deliveries of a key already seen
  std::size_t heartbeats = 0;
  std::size_t refused = 0;  // answered 400
  std::string error;        // a body that did not decode
};

inline Delivery delivered(const Receiver& rx) {
  Delivery d;
  for (const auto& r : rx.records()) {
    const auto ct = r.meta["content_type"].get<std::string>();
    if (ct.find("heartbeat") != std::string::npos) {
      ++d.heartbeats;
      continue;
    }
    if (r.meta["status"] != 200) {
      ++d.refused;
      continue;
    }
    auto body = r.body;
    if (r.meta["content_encoding"] == "gzip") {
      auto plain = gzip_decompress(body, 256u << 20);
      if (!plain) {
        d.error = plain.error().message();
        continue;
      }
      body = std::move(*plain);
    }
    auto enc = encoding_from_content_type(ct);
    if (!enc) {
      d.error = "content type " + ct;
      continue;
    }
    auto batch = decode_batch(body, *enc);
    if (!batch) {
      d.error = batch.error().message();
      continue;
    }
    const auto key = r.meta["key"].get<std::string>();
    EXPECT_EQ(key, batch->key);
    if (!d.batches.emplace(key, std::move(*batch)).second) ++d.duplicates;
  }
  return d;
}

// Every published reading exactly once among the distinct batches, bit for bit.
inline void expect_exactly_once(const Delivery& d, const std::vector<Reading>& published,
                                std::size_t chunks) {
  EXPECT_EQ(d.error, "");
  std::map<std::pair<std::string, std::int64_t>, const Reading*> got;
  std::set<std::int64_t> chunk_ids;
  std::size_t readings = 0;
  for (const auto& [key, b] : d.batches) {
    for (const auto& c : b.chunks) {
      EXPECT_TRUE(chunk_ids.insert(c.id).second) << "chunk " << c.id << " in two batches";
      for (const auto& r : c.readings) {
        ++readings;
        got[{r.meter_id, r.time.time_since_epoch().count()}] = &r;
      }
    }
  }
  EXPECT_EQ(chunk_ids.size(), chunks);
  EXPECT_EQ(readings, published.size());
  EXPECT_EQ(got.size(), published.size());
  std::size_t same = 0;
  for (const auto& p : published) {
    auto it = got.find({p.meter_id, p.time.time_since_epoch().count()});
    if (it != got.end() && same_readings({p}, {*it->second})) ++same;
  }
  EXPECT_EQ(same, published.size());
}

// `count` meter and link events recorded in `store`, as the acquisition would report them.
inline std::vector<Event> record_events(store::Store& store, int count, std::int64_t first_ms) {
  std::vector<Event> out;
  for (int i = 0; i < count; ++i) {
    Event e{UtcTime{std::chrono::milliseconds{first_ms + 1000 * i}}, "rs485-1",
            i % 5 == 4 ? "" : "meter-" + std::to_string(i % 3),
            i % 5 == 4 ? EventKind::link_lost
                       : (i % 2 ? EventKind::meter_offline : EventKind::meter_online),
            "event " + std::to_string(i)};
    EXPECT_TRUE(store.record_event(e));
    out.push_back(std::move(e));
  }
  return out;
}

// Every recorded event exactly once among the distinct batches (each store id once, in order
// within a batch), with its fields.
inline void expect_events_exactly_once(const Delivery& d, const std::vector<Event>& recorded) {
  std::map<std::int64_t, Event> got;
  for (const auto& [key, b] : d.batches) {
    for (std::size_t i = 0; i < b.events.size(); ++i) {
      const auto& e = b.events[i];
      EXPECT_GT(e.id, 0);
      if (i > 0) {
        EXPECT_LT(b.events[i - 1].id, e.id);
      }
      EXPECT_TRUE(got.emplace(e.id, e.event).second) << "event " << e.id << " in two batches";
    }
  }
  ASSERT_EQ(got.size(), recorded.size());
  std::size_t i = 0;
  for (const auto& [id, e] : got) EXPECT_EQ(e, recorded[i++]) << "event " << id;
}

// True when nothing is left to upload: no chunk, no event.
inline bool drained(UploadQueue& queue) {
  auto b = queue.backlog();
  return b && b->chunks == 0 && b->events == 0;
}

}  // namespace meterd::uplink::testing
