// tests/uplink/uplink_runner.cpp: the uplink as its own process, for the SIGKILL test:
//   uplink_runner STORE URL PKI_DIR
// Opens the store (test key), uploads until no chunk or event is left, exits 0 (1 on a setup
// error).
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "src/store/store.hpp"
#include "src/store/store_upload_queue.hpp"
#include "src/uplink/uplink.hpp"
#include "tests/uplink/uplink_harness.hpp"

int main(int argc, char** argv) {
  using namespace meterd;
  using namespace std::chrono_literals;
  if (argc != 4) return 1;
  SystemClock clock;
  auto s = store::Store::open(uplink::testing::store_options(argv[1]), clock,
                              store::KeyStore::from_keys({uplink::testing::store_key()}).value());
  if (!s) {
    std::fprintf(stderr, "%s\n", s.error().message().c_str());
    return 1;
  }
  store::StoreUploadQueue queue(**s);
  const std::filesystem::path pki = argv[3];
  uplink::UplinkOptions o;
  o.url = argv[2];
  o.tls = {pki / "ca.crt", pki / "client.crt", pki / "client.key", {}};
  o.uploader.gateway = "gw-test";
  o.uploader.batch_chunks = 2;
  o.uploader.poll_interval = 50ms;
  o.uploader.heartbeat_interval = 0ms;
  o.uploader.backoff = {50ms, 200ms, 200ms};
  std::mt19937_64 rng(1);
  auto up = uplink::Uplink::create(
      o, queue, clock, [&rng] { return std::uniform_real_distribution<double>(0.0, 1.0)(rng); });
  if (!up) {
    std::fprintf(stderr, "%s\n", up.error().message().c_str());
    return 1;
  }
  (*up)->start();
  while (!uplink::testing::drained(queue)) std::this_thread::sleep_for(20ms);
  (*up)->stop();
  std::printf("done\n");
  return 0;
}
