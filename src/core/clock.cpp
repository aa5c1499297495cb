#include "meterd/clock.hpp"

#include <sys/timex.h>

namespace meterd {

UtcTime SystemClock::utc_now() const {
  return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

MonoTime SystemClock::mono_now() const { return std::chrono::steady_clock::now(); }

bool SystemClock::synchronized() const {
  struct timex tx {};
  tx.modes = 0;  // read only: needs no privilege
  const int state = ::adjtimex(&tx);
  return state != -1 && state != TIME_ERROR && (tx.status & STA_UNSYNC) == 0;
}

}  // namespace meterd
