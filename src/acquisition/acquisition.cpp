#include "src/acquisition/acquisition.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>
#include <utility>

namespace meterd::acquisition {

Acquisition::Acquisition(boost::asio::io_context& io, const Clock& clock, ReadingSink& readings,
                         EventSink& events, UnsyncedPolicy policy,
                         std::shared_ptr<spdlog::logger> logger)
    : io_(io),
      clock_(clock),
      logger_(logger ? std::move(logger) : spdlog::default_logger()),
      delivery_(std::make_shared<Delivery>(io, clock, policy, readings, events)) {}

Acquisition::~Acquisition() { stop(); }

void Acquisition::add_bus(BusSpec bus) {
  if (started_) throw std::logic_error("add_bus after start");
  if (!bus.link) throw std::invalid_argument("bus " + bus.name + " has no link");
  for (const auto& m : bus.meters) {
    if (!m) throw std::invalid_argument("bus " + bus.name + " has a null driver");
    if (m->groups().empty()) {
      throw std::invalid_argument("meter " + m->meter_id() + " has no poll groups");
    }
    for (const PollGroup& g : m->groups()) {
      if (g.interval.count() <= 0) {
        throw std::invalid_argument("meter " + m->meter_id() + " group " + g.name +
                                    " has a non-positive interval");
      }
    }
  }
  buses_.push_back(
      std::make_unique<BusWorker>(std::move(bus), clock_, io_, delivery_, board_, logger_));
}

void Acquisition::start() {
  if (started_) return;
  started_ = true;
  delivery_->start_release_timer();
  for (auto& b : buses_) b->start();
}

void Acquisition::stop() {
  if (!started_) return;
  started_ = false;
  for (auto& b : buses_) b->request_stop();  // all at once: the bound is the longest, not the sum
  for (auto& b : buses_) b->join();
  delivery_->stop_release_timer();
}

}  // namespace meterd::acquisition
