// uplink/uploader.hpp: store-and-forward: stored chunks -> batches -> the server, exactly once.
//
// The loop takes the oldest unacknowledged chunks (at most batch_chunks) and stored events (at
// most batch_events), records their id ranges as "in flight" in the queue before the first
// attempt (so a restart rebuilds the same batch and therefore the same idempotency key), and POSTs
// the batch until the server answers: 2xx acknowledges its chunks and events together and only
// then moves the cursor; 408/429/5xx and transport failures are
// retried with backoff and jitter (retry_policy.hpp); any other answer quarantines the batch (its
// body and the answer are kept in quarantine_dir, the event is logged and counted) and the loop
// goes on with the batches behind it. Batches are sent at most one per min_interval; when the
// queue is empty it looks again every poll_interval; a heartbeat (backlog, last acknowledgement,
// meters online) is POSTed every heartbeat_interval. Thread contract: run() and stop() on the
// executor given to the constructor; uplink_status() from any thread.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "meterd/clock.hpp"
#include "meterd/uplink_status.hpp"
#include "meterd/upload_queue.hpp"
#include "src/uplink/batch_codec.hpp"
#include "src/uplink/https_client.hpp"
#include "src/uplink/retry_policy.hpp"

namespace meterd::uplink {

inline constexpr std::string_view kHeartbeatContentType = "application/vnd.meterd.heartbeat+json";
inline constexpr const char* kInflightFirst = "uplink.inflight_first";
inline constexpr const char* kInflightLast = "uplink.inflight_last";
inline constexpr const char* kInflightEventsFirst = "uplink.inflight_events_first";
inline constexpr const char* kInflightEventsLast = "uplink.inflight_events_last";
inline constexpr const char* kCursor = "uplink";  // the last acknowledged chunk id

struct UploaderOptions {
  std::string gateway = "meterd";
  Encoding encoding = Encoding::cbor;
  bool gzip = true;
  int gzip_level = 6;
  std::size_t batch_chunks = 8;                           // chunks per batch, >= 1
  std::size_t batch_events = 256;                         // events per batch, >= 1
  std::chrono::milliseconds min_interval{0};              // rate bound: one batch per interval
  std::chrono::milliseconds poll_interval{5000};          // idle: look for new chunks this often
  std::chrono::milliseconds heartbeat_interval{300'000};  // 0 = no heartbeat
  BackoffOptions backoff;
  std::filesystem::path quarantine_dir;  // refused batches are kept here; empty = not kept
};

// What the daemon can tell the heartbeat and the document, where known.
struct GatewayFacts {
  std::function<std::optional<int>()> meters_online;            // may be empty
  std::function<std::map<std::string, std::string>()> serials;  // meter id -> serial number
};

class Uploader final : public UplinkStatusProvider {
 public:
  Uploader(boost::asio::any_io_executor executor, HttpsClient& client, UploadQueue& queue,
           const Clock& clock, UploaderOptions options, Uniform01 uniform, GatewayFacts facts = {});

  // Runs until stop(); never throws.
  boost::asio::awaitable<void> run();
  // Makes run() return soon: cancels the wait and the request in progress (not acknowledged).
  void stop();

  // Sends the next batch (chunks and/or events) until it is acknowledged or quarantined: true;
  // false when nothing is pending; an error if the queue failed or stop() was called.
  boost::asio::awaitable<Result<bool>> upload_next();
  // POSTs one heartbeat; the server's status, or the transport error.
  boost::asio::awaitable<Result<unsigned>> send_heartbeat();

  UplinkStatus uplink_status() const override;

 private:
  boost::asio::awaitable<void> sleep(std::chrono::milliseconds d);
  void quarantine(const Batch& batch, const std::string& key, const std::string& what,
                  const std::vector<std::uint8_t>& body, const HttpResponse& answer);
  void note_error(const std::string& what);
  void refresh_backlog(bool force);
  // The batch in flight (rebuilt from its recorded id ranges), else the next one, marked in
  // flight; an empty batch when nothing is pending.
  Result<Batch> next_batch();
  Result<void> clear_inflight();

  boost::asio::any_io_executor executor_;
  HttpsClient& client_;
  UploadQueue& queue_;
  const Clock& clock_;
  UploaderOptions options_;
  Uniform01 uniform_;
  GatewayFacts facts_;
  boost::asio::steady_timer wake_;
  bool stopping_ = false;
  MonoTime last_backlog_{};
  MonoTime last_heartbeat_{};
  bool heartbeat_sent_ = false;

  mutable std::mutex status_mutex_;
  UplinkStatus status_;
};

}  // namespace meterd::uplink
