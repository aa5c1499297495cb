// uplink/uplink.cpp: the uplink's thread, io_context and start-up checks (uplink.hpp).
#include "src/uplink/uplink.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace meterd::uplink {
namespace asio = boost::asio;

struct Uplink::Impl {
  asio::io_context io;
  std::shared_ptr<asio::ssl::context> tls;
  std::unique_ptr<HttpsClient> client;
  std::unique_ptr<Uploader> uploader;
  std::thread thread;
  bool running = false;
};

Result<std::unique_ptr<Uplink>> Uplink::create(UplinkOptions o, UploadQueue& queue,
                                               const Clock& clock, Uniform01 uniform,
                                               GatewayFacts facts) {
  auto server = parse_url(o.url, "https");
  if (!server) return Error(Errc::config_error, "uplink.url: " + server.error().detail);
  o.client.server = *server;
  if (o.proxy) {
    auto proxy = parse_url(*o.proxy, "http");
    if (!proxy) return Error(Errc::config_error, "uplink.proxy: " + proxy.error().detail);
    o.client.proxy = *proxy;
  }
  o.client.pins.clear();
  for (const auto& p : o.pins) {
    auto pin = parse_pin(p);
    if (!pin) return Error(Errc::config_error, "uplink.tls.pins: " + pin.error().detail);
    o.client.pins.push_back(*pin);
  }
  auto tls = make_tls_context(o.tls);
  if (!tls) return tls.error();
  auto impl = std::make_unique<Impl>();
  impl->tls = *tls;
  impl->client = std::make_unique<HttpsClient>(impl->io.get_executor(), impl->tls, o.client, clock);
  impl->uploader = std::make_unique<Uploader>(impl->io.get_executor(), *impl->client, queue, clock,
                                              o.uploader, std::move(uniform), std::move(facts));
  return std::unique_ptr<Uplink>(new Uplink(std::move(impl)));
}

Uplink::Uplink(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Uplink::~Uplink() { stop(); }

void Uplink::start() {
  if (impl_->running) return;
  impl_->running = true;
  impl_->io.restart();
  asio::co_spawn(impl_->io, impl_->uploader->run(), asio::detached);
  impl_->thread = std::thread([this] {
    try {
      impl_->io.run();
    } catch (const std::exception& e) {
      spdlog::error("uplink: event loop stopped: {}", e.what());
    }
  });
}

void Uplink::stop() {
  if (!impl_->running) return;
  asio::post(impl_->io, [this] { impl_->uploader->stop(); });
  impl_->thread.join();  // run() returns once the upload loop has finished
  impl_->running = false;
}

UplinkStatus Uplink::uplink_status() const { return impl_->uploader->uplink_status(); }

WireBytes Uplink::wire_bytes() const { return impl_->client->wire_bytes(); }

}  // namespace meterd::uplink
