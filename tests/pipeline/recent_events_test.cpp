// RecentEvents: a bounded window of the latest events, oldest first, with a running total.
#include "src/pipeline/recent_events.hpp"

#include <gtest/gtest.h>

namespace meterd::pipeline {
namespace {

Event event(int i) {
  return Event{UtcTime{std::chrono::milliseconds{i}}, "bus", "m" + std::to_string(i),
               EventKind::meter_offline, "timeout"};
}

TEST(RecentEvents, KeepsTheLastEventsOldestFirst) {
  RecentEvents events(3);
  EXPECT_TRUE(events.snapshot().empty());
  for (int i = 1; i <= 5; ++i) events.publish(event(i));
  EXPECT_EQ(events.snapshot(), (std::vector<Event>{event(3), event(4), event(5)}));
  EXPECT_EQ(events.total(), 5u);
}

TEST(RecentEvents, CapacityZeroKeepsOne) {
  RecentEvents events(0);
  events.publish(event(1));
  events.publish(event(2));
  EXPECT_EQ(events.snapshot(), std::vector<Event>{event(2)});
}

}  // namespace
}  // namespace meterd::pipeline
