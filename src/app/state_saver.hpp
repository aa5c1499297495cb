// src/app/state_saver.hpp: writes a stage's named state into the store off the event loop.
//
// A module on the loop hands over the latest text of its state (the NILM model) with save();
// one thread of its own writes it with Store::save_state(), so the loop never waits on SQLite.
// Only the latest value matters: a save() while a write is pending replaces the pending text.
// stop() writes what is still pending, then calls `done` from that thread. A failed write is
// logged (warning) and counted; the value is not retried (the next save brings a newer one).
// Thread contract: save() and stop() on one thread (the loop); `done` on the saver's thread;
// the store must stay open until `done` has been called.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "src/store/store.hpp"

namespace meterd::app {

class StateSaver {
 public:
  // `name` is the state's name in the store (e.g. "nilm.model").
  StateSaver(store::Store& store, std::string name);
  ~StateSaver();  // writes what is pending and joins the thread (without calling `done`)
  StateSaver(const StateSaver&) = delete;
  StateSaver& operator=(const StateSaver&) = delete;

  // Queues `text` for writing, replacing a pending one. Ignored after stop().
  void save(std::string text);
  // Writes the pending text, ends the thread and calls `done` from it (once; later calls are
  // ignored).
  void stop(std::function<void()> done);

  std::uint64_t written() const;  // successful writes
  std::uint64_t failed() const;   // writes the store refused

 private:
  void run();

  store::Store& store_;
  std::string name_;
  mutable std::mutex mutex_;  // guards everything below but thread_
  std::condition_variable wake_;
  std::optional<std::string> pending_;
  bool stopping_ = false;
  std::function<void()> done_;
  std::uint64_t written_ = 0;
  std::uint64_t failed_ = 0;
  std::thread thread_;  // last: started when everything above is ready
};

}  // namespace meterd::app
