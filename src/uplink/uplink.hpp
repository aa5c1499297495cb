// uplink/uplink.hpp: the uplink stage: its own thread and io_context running the Uploader.
//
// create() checks everything that can be checked before the network (URL, proxy URL, CA bundle,
// certificate, key file permissions, pins) and fails with the reason, so a bad setup stops the
// daemon at start-up. start() runs the upload loop on a thread of its own (queue calls block on
// SQLite, never on the daemon's loop); stop() cancels the request in flight (not acknowledged,
// resent with the same idempotency key next time) and joins. Thread contract: create/start/stop
// from one thread; uplink_status() from any.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "meterd/clock.hpp"
#include "meterd/uplink_status.hpp"
#include "meterd/upload_queue.hpp"
#include "src/uplink/https_client.hpp"
#include "src/uplink/tls_options.hpp"
#include "src/uplink/uploader.hpp"

namespace meterd::uplink {

struct UplinkOptions {
  std::string url;                   // https://host[:port]/path
  std::optional<std::string> proxy;  // http://host:port
  TlsOptions tls;
  std::vector<std::string> pins;  // "sha256//base64" or 64 hex digits
  ClientOptions client;           // timeouts (server, proxy and pins are filled from above)
  UploaderOptions uploader;
};

class Uplink final : public UplinkStatusProvider {
 public:
  // Errc::config_error / permission_denied / not_found with the reason.
  static Result<std::unique_ptr<Uplink>> create(UplinkOptions options, UploadQueue& queue,
                                                const Clock& clock, Uniform01 uniform,
                                                GatewayFacts facts = {});
  ~Uplink() override;  // stop()

  void start();
  void stop();
  UplinkStatus uplink_status() const override;
  WireBytes wire_bytes() const;  // valid after stop()

 private:
  struct Impl;
  explicit Uplink(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace meterd::uplink
