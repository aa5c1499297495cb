#include "src/app/acquisition_service.hpp"

#include <spdlog/spdlog.h>

#include "src/app/bus_builder.hpp"

namespace meterd::app {

AcquisitionService::AcquisitionService(boost::asio::io_context& io, const Clock& clock,
                                       ReadingSink& readings, EventSink& events,
                                       const config::Config& config,
                                       std::shared_ptr<spdlog::logger> logger)
    : io_(io),
      clock_(clock),
      readings_(readings),
      events_(events),
      buses_(config.buses),
      policy_(config.time.unsynchronized),
      logger_(logger ? std::move(logger) : spdlog::default_logger()) {}

AcquisitionService::~AcquisitionService() { stop(); }

Result<void> AcquisitionService::start() {
  if (acquisition_) return {};
  // Declared first, destroyed last: on an error the Acquisition (never started) goes first.
  std::vector<SimulatedBus> simulators;
  auto acquisition =
      std::make_unique<acquisition::Acquisition>(io_, clock_, readings_, events_, policy_, logger_);
  std::size_t meters = 0;
  for (const auto& bus : buses_) {
    auto built = build_bus(bus, clock_);
    if (!built) return built.error();  // simulators built so far stop as `simulators` goes
    if (built->simulator) {
      logger_->info("bus {}: {} simulated B-Smart meter(s) on {}{}", bus.id, bus.meters.size(),
                    built->simulator->device_path(),
                    bus.simulator.link.empty() ? "" : " (" + bus.simulator.link.string() + ")");
      simulators.push_back({bus.id, std::move(built->simulator)});
    }
    meters += bus.meters.size();
    try {
      acquisition->add_bus(std::move(built->spec));
    } catch (const std::exception& e) {
      return Error{Errc::config_error, "bus " + bus.id + ": " + e.what()};
    }
  }
  simulators_ = std::move(simulators);
  acquisition_ = std::move(acquisition);
  acquisition_->start();
  enabled_ = true;
  if (buses_.empty()) {
    logger_->info("acquisition: no buses configured, nothing to poll");
  } else {
    logger_->info("acquisition: polling {} meter(s) on {} bus(es)", meters, buses_.size());
  }
  return {};
}

void AcquisitionService::stop() {
  if (acquisition_) {
    acquisition_->stop();
    acquisition_.reset();
  }
  simulators_.clear();  // after the links are closed: nobody reads the ptys any more
}

void AcquisitionService::async_stop(std::function<void()> done) {
  enabled_ = false;
  stop();
  done();
}

void AcquisitionService::on_config_reloaded(const config::Config& config) {
  if (config.buses == buses_ && config.time.unsynchronized == policy_) return;
  buses_ = config.buses;
  policy_ = config.time.unsynchronized;
  if (!enabled_) return;  // not started (yet), or stopping: the next start() uses them
  logger_->info("buses changed: restarting acquisition with {} bus(es)", buses_.size());
  stop();
  if (auto started = start(); !started) {
    logger_->error("acquisition not restarted: {}", started.error().message());
  }
}

std::vector<MeterStatus> AcquisitionService::snapshot() const {
  return acquisition_ ? acquisition_->snapshot() : std::vector<MeterStatus>{};
}

sim::BsmartSimulator* AcquisitionService::simulator(std::string_view bus_id) {
  for (auto& s : simulators_) {
    if (s.bus_id == bus_id) return s.simulator.get();
  }
  return nullptr;
}

}  // namespace meterd::app
