// The real meterd binary end to end to a real nginx: simulated B-Smart meters on a pty bus
// (transport: simulator), the store, and the uplink section pointing at nginx on 127.0.0.1 with
// `ssl_verify_client on` and certificates made by the test (tests/uplink/make_certs.sh), nginx
// forwarding to the recording receiver (tests/uplink/receiver.py). The store starts with a
// backlog of closed chunks (windows of 1 min close only at minute boundaries, so a few seconds of
// polling alone would give nothing to send); the daemon stores fresh readings and its meter
// events while it sends. After SIGTERM (and after a SIGKILL in the middle of an upload and a
// restart), what the receiver got is compared with the store file: every acknowledged chunk and
// event arrived, none twice among distinct batches, each reading bit for bit as stored.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "meterd/clock.hpp"
#include "src/store/store.hpp"
#include "tests/app/meterd_process.hpp"
#include "tests/app/temp_dir.hpp"
#include "tests/uplink/uplink_harness.hpp"

namespace meterd::integration {
namespace {

using namespace std::chrono_literals;
using app::test::MeterdProcess;
using app::test::run_meterd;
namespace ut = uplink::testing;
namespace fs = std::filesystem;

std::string config_text(const std::string& url, const fs::path& pki) {
  return R"(gateway:
  id: gw-e2e
  state_dir: state
time:
  unsynchronized: mark
api:
  enabled: false  # tests run side by side: no fixed port
store:
  window: 1min
  flush_interval: 200ms
uplink:
  url: )" +
         url + R"(
  batch_chunks: 3
  poll_interval: 100ms
  heartbeat: 1h
  timeouts: { connect: 2s, handshake: 2s, request: 10s, idle: 20s }
  backoff: { initial: 100ms, max: 500ms, retry_after_max: 1s }
  tls:
    ca_file: )" +
         (pki / "ca.crt").string() + R"(
    cert_file: )" +
         (pki / "client.crt").string() + R"(
    key_file: )" +
         (pki / "client.key").string() + R"(
buses:
  - id: sim
    transport: simulator
    baud: 38400
    meters:
      - { id: m1, address: 1 }
      - { id: m2, address: 2 }
)";
}

// A stored event as the store file has it (its upload mark included).
struct StoredEvent {
  std::string kind, bus, meter;
  bool uploaded = false;
};

class UplinkDaemon : public ::testing::Test {
 protected:
  UplinkDaemon()
      : rx_(dir_.path() / "rx"),
        nginx_(dir_.path() / "nginx", rx_.port()),
        config_(dir_.write("meterd.yaml", config_text(nginx_.url(), ut::pki_dir()))) {}

  fs::path state() const { return dir_.path() / "state"; }
  store::StoreOptions store_options() const {
    store::StoreOptions o;
    o.path = state() / "store.db";
    o.keys = {state() / "keys", ""};
    o.window = 1min;
    return o;
  }

  // `meterd key generate`, then 10 closed one-minute windows of m1 and m2 an hour ago.
  void fill_backlog() {
    const auto made = run_meterd({"key", "generate", "--config", config_.string()}, 20s);
    ASSERT_EQ(made.exit_code, 0) << made.err;
    const auto start = SystemClock().utc_now() - 1h;
    const auto t0 = UtcTime{std::chrono::floor<std::chrono::minutes>(start.time_since_epoch())};
    const ManualClock clock(t0);
    auto s = store::Store::open(store_options(), clock);
    ASSERT_TRUE(s) << s.error().message();
    for (std::int64_t i = 0; i < 600; ++i) {
      for (const char* m : {"m1", "m2"}) {
        Reading r = ut::sample_reading(m, i);
        r.time = t0 + std::chrono::milliseconds{1000 * i + (i * 37) % 50};
        (*s)->publish(r);
        backlog_.push_back(std::move(r));
      }
    }
    ASSERT_TRUE((*s)->close_all_windows());
  }

  std::unique_ptr<MeterdProcess> start_daemon() {
    auto meterd = std::make_unique<MeterdProcess>(
        app::test::SpawnOptions{.args = {"--config", config_.string()}});
    EXPECT_TRUE(meterd->wait_for_stderr("meterd started", 10s)) << meterd->stderr_text();
    EXPECT_TRUE(meterd->wait_for_stderr("uplink: sending to " + nginx_.url(), 1s))
        << meterd->stderr_text();
    return meterd;
  }

  // Waits until the receiver has every backlog chunk and at least `online` meter_online events.
  bool wait_delivered(std::size_t online, std::chrono::milliseconds limit) {
    return ut::wait_for(
        [&] {
          const auto d = ut::delivered(rx_);
          std::set<std::int64_t> chunks;
          std::size_t seen_online = 0;
          for (const auto& [key, b] : d.batches) {
            for (const auto& c : b.chunks) chunks.insert(c.id);
            for (const auto& e : b.events)
              seen_online += e.event.kind == EventKind::meter_online ? 1 : 0;
          }
          std::size_t backlog_chunks = 0;
          for (auto id : chunks) backlog_chunks += id <= 20 ? 1 : 0;
          return backlog_chunks == 20 && seen_online >= online;
        },
        limit);
  }

  // Compares what arrived with the store file; returns the meter_online events received.
  std::size_t check_against_store(const ut::Delivery& d) {
    EXPECT_EQ(d.error, "");
    auto db = store::Db::open(state() / "store.db", false);
    EXPECT_TRUE(db) << db.error().message();
    if (!db) return 0;
    std::map<std::int64_t, std::pair<bool, std::int64_t>> chunks;  // id -> (uploaded, rows)
    auto cs = db->prepare("SELECT id, uploaded, rows FROM chunks").value();
    while (cs.step().value()) chunks[cs.col_int(0)] = {cs.col_int(1) == 1, cs.col_int(2)};
    std::map<std::int64_t, StoredEvent> events;
    auto es =
        db->prepare("SELECT id, kind, bus, meter, uploaded FROM events WHERE uploaded IS NOT NULL")
            .value();
    while (es.step().value())
      events[es.col_int(0)] = {es.col_text(1), es.col_text(2), es.col_text(3), es.col_int(4) == 1};
    const auto inflight = db->query_int(
        "SELECT coalesce(max(last_chunk_id), 0) FROM upload_cursor WHERE stream = "
        "'uplink.inflight_first'");

    auto keys = store::KeyStore::load({state() / "keys", ""});
    EXPECT_TRUE(keys) << keys.error().message();
    const SystemClock clock;
    auto s = store::Store::open_read_only(store_options(), clock, std::move(*keys));
    EXPECT_TRUE(s) << s.error().message();
    if (!s) return 0;
    std::map<std::pair<std::string, std::int64_t>, Reading> stored;
    const auto now = clock.utc_now();
    for (const char* m : {"m1", "m2"}) {
      for (auto& r : (*s)->readings(m, now - 2h, now + 1h).value())
        stored.emplace(std::pair{r.meter_id, r.time.time_since_epoch().count()}, std::move(r));
    }

    // Chunks: each at most once among distinct batches, as stored, and every acknowledged one.
    std::set<std::int64_t> received;
    std::set<std::pair<std::string, std::int64_t>> received_readings;
    std::size_t same = 0, readings = 0;
    for (const auto& [key, b] : d.batches) {
      for (const auto& c : b.chunks) {
        EXPECT_TRUE(received.insert(c.id).second) << "chunk " << c.id << " in two batches";
        EXPECT_TRUE(chunks.contains(c.id)) << "chunk " << c.id << " is not in the store";
        EXPECT_EQ(c.readings.size(), static_cast<std::size_t>(chunks[c.id].second));
        for (const auto& r : c.readings) {
          ++readings;
          const std::pair key_of{r.meter_id, r.time.time_since_epoch().count()};
          EXPECT_TRUE(received_readings.insert(key_of).second);
          auto it = stored.find(key_of);
          if (it != stored.end() && ut::same_readings({r}, {it->second})) ++same;
        }
      }
    }
    EXPECT_EQ(same, readings);
    std::size_t acknowledged_rows = 0;
    for (const auto& [id, c] : chunks) {
      if (c.first) {
        EXPECT_TRUE(received.contains(id)) << "chunk " << id << " acknowledged, never received";
        acknowledged_rows += static_cast<std::size_t>(c.second);
      } else if (received.contains(id)) {  // received, its answer lost in a stop: in flight
        EXPECT_GT(inflight.value(), 0) << "chunk " << id;
        EXPECT_GE(id, inflight.value()) << "chunk " << id;
      }
    }
    EXPECT_GE(readings, acknowledged_rows);
    EXPECT_GE(acknowledged_rows, backlog_.size());  // the whole backlog at least
    for (const auto& r : backlog_)
      EXPECT_TRUE(received_readings.contains({r.meter_id, r.time.time_since_epoch().count()}));

    // Events: each at most once, as stored, and every acknowledged one.
    std::set<std::int64_t> received_events;
    std::size_t online = 0;
    for (const auto& [key, b] : d.batches) {
      for (const auto& e : b.events) {
        EXPECT_TRUE(received_events.insert(e.id).second) << "event " << e.id << " twice";
        auto it = events.find(e.id);
        EXPECT_NE(it, events.end()) << "event " << e.id << " is not in the store";
        if (it == events.end()) continue;
        EXPECT_EQ(std::string(to_string(e.event.kind)), it->second.kind);
        EXPECT_EQ(e.event.bus, it->second.bus);
        EXPECT_EQ(e.event.meter_id, it->second.meter);
        online += e.event.kind == EventKind::meter_online ? 1 : 0;
      }
    }
    for (const auto& [id, e] : events) {
      if (e.uploaded) {
        EXPECT_TRUE(received_events.contains(id)) << "event " << id;
      }
    }
    return online;
  }

  app::test::TempDir dir_;
  ut::Receiver rx_;
  ut::Nginx nginx_;
  fs::path config_;
  std::vector<Reading> backlog_;
};

TEST_F(UplinkDaemon, SigtermAfterAFewSecondsEveryStoredReadingAndEventArrivedOnce) {
  fill_backlog();
  {
    auto meterd = start_daemon();
    ASSERT_TRUE(meterd->wait_for_stderr("meter m2 on bus sim: online", 10s))
        << meterd->stderr_text();
    EXPECT_TRUE(wait_delivered(2, 20s)) << meterd->stderr_text();
    std::this_thread::sleep_for(1s);  // fresh readings keep being stored meanwhile
    meterd->signal(SIGTERM);
    ASSERT_EQ(meterd->wait_exit(10s), 0) << meterd->stderr_text();
  }
  const auto d = ut::delivered(rx_);
  EXPECT_EQ(check_against_store(d), 2u);  // m1 and m2 came online once each
  EXPECT_EQ(d.duplicates, 0u);
  EXPECT_EQ(d.refused, 0u);
  EXPECT_GE(d.heartbeats, 1u);  // one at start
}

TEST_F(UplinkDaemon, SigkillInTheMiddleOfAnUploadThenRestartStillOnce) {
  fill_backlog();
  rx_.set_mode("slow 1");  // the receiver holds each batch a second before answering
  {
    auto meterd = start_daemon();
    ASSERT_TRUE(ut::wait_for([&] { return rx_.batches_seen() >= 2; }, 20s))
        << meterd->stderr_text();
    meterd->signal(SIGKILL);  // the second batch is at the receiver, not acknowledged
    ASSERT_EQ(meterd->wait_exit(5s), 128 + SIGKILL);
  }
  rx_.set_mode("ok");
  {
    auto meterd = start_daemon();
    EXPECT_TRUE(wait_delivered(2, 30s)) << meterd->stderr_text();
    meterd->signal(SIGTERM);
    ASSERT_EQ(meterd->wait_exit(10s), 0) << meterd->stderr_text();
  }
  const auto d = ut::delivered(rx_);
  EXPECT_GE(check_against_store(d), 2u);  // online events (of both runs when recorded in time)
  EXPECT_GE(d.duplicates, 1u);            // the batch in flight, again with the same key
}

}  // namespace
}  // namespace meterd::integration
