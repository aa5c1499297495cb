#include "src/app/daemon.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <string>
#include <utility>

namespace meterd::app {

Daemon::Daemon(boost::asio::io_context& io) : io_(io), deadline_(io) {}

void Daemon::add(Service& service) { services_.push_back(&service); }

Result<void> Daemon::start() {
  for (; started_ < services_.size(); ++started_) {
    Service& s = *services_[started_];
    spdlog::debug("starting {}", s.name());
    if (auto r = s.start(); !r) {
      return Error{r.error().code, std::string{s.name()} + ": " + r.error().message()};
    }
  }
  return {};
}

void Daemon::apply_config(const config::Config& config) {
  for (std::size_t i = 0; i < started_; ++i) services_[i]->on_config_reloaded(config);
}

void Daemon::stop(std::chrono::milliseconds deadline, std::function<void(bool clean)> done) {
  if (stopping_) return;
  stopping_ = true;
  done_ = std::move(done);
  deadline_.expires_after(deadline);
  deadline_.async_wait([this, deadline](const boost::system::error_code& ec) {
    if (ec || finished_) return;
    spdlog::error("service {} did not stop within {} ms; abandoning {} service(s)",
                  services_[started_]->name(), deadline.count(), started_ + 1);
    finish(false);
  });
  stop_next();
}

void Daemon::stop_next() {
  if (finished_) return;
  if (started_ == 0) {
    finish(true);
    return;
  }
  Service& s = *services_[--started_];
  spdlog::debug("stopping {}", s.name());
  s.async_stop([this, &s] {
    boost::asio::post(io_, [this, &s] {
      if (finished_) return;
      spdlog::debug("stopped {}", s.name());
      stop_next();
    });
  });
}

void Daemon::finish(bool clean) {
  finished_ = true;
  deadline_.cancel();
  auto done = std::move(done_);
  done(clean);
}

}  // namespace meterd::app
