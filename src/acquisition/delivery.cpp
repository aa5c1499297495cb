#include "src/acquisition/delivery.hpp"

#include <utility>

namespace meterd::acquisition {

Delivery::Delivery(boost::asio::io_context& io, const Clock& clock, UnsyncedPolicy policy,
                   ReadingSink& readings, EventSink& events)
    : clock_(clock), stamper_(clock_, policy), readings_(readings), events_(events), timer_(io) {}

void Delivery::deliver(Reading r, const ClockSample& completed) {
  clock_.pin(completed);
  stamper_.stamp(std::move(r), [this](Reading&& out) { readings_.publish(out); });
  clock_.unpin();
}

void Delivery::start_release_timer() {
  if (timer_running_) return;
  timer_running_ = true;
  arm();
}

void Delivery::stop_release_timer() {
  timer_running_ = false;
  timer_.cancel();
}

void Delivery::arm() {
  timer_.expires_after(std::chrono::seconds{1});
  timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || !self->timer_running_) return;
    self->stamper_.poll([&self](Reading&& out) { self->readings_.publish(out); });
    self->arm();
  });
}

}  // namespace meterd::acquisition
