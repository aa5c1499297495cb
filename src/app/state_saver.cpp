#include "src/app/state_saver.hpp"

#include <spdlog/spdlog.h>

#include <utility>

namespace meterd::app {

StateSaver::StateSaver(store::Store& store, std::string name)
    : store_(store), name_(std::move(name)), thread_([this] { run(); }) {}

StateSaver::~StateSaver() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void StateSaver::save(std::string text) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    pending_ = std::move(text);
  }
  wake_.notify_one();
}

void StateSaver::stop(std::function<void()> done) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    done_ = std::move(done);
  }
  wake_.notify_one();
}

std::uint64_t StateSaver::written() const {
  std::lock_guard lock(mutex_);
  return written_;
}

std::uint64_t StateSaver::failed() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

void StateSaver::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || pending_.has_value(); });
    if (pending_) {
      const std::string text = std::move(*pending_);
      pending_.reset();
      lock.unlock();
      const auto r = store_.save_state(name_, text);
      if (!r) {
        spdlog::warn("cannot save {} into the store: {}", name_, r.error().message());
      }
      lock.lock();
      ++(r ? written_ : failed_);
      continue;  // a save() may have come meanwhile
    }
    if (stopping_) break;
  }
  auto done = std::move(done_);
  lock.unlock();
  if (done) done();
}

}  // namespace meterd::app
