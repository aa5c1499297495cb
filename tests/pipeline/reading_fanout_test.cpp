// ReadingFanout: every reading reaches every sink, in the order the sinks were added.
#include "src/pipeline/reading_fanout.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "src/pipeline/latest_values.hpp"

namespace meterd::pipeline {
namespace {

// Records which sink saw which meter's reading, in order.
class Recorder final : public ReadingSink {
 public:
  Recorder(std::string name, std::vector<std::string>& log) : name_(std::move(name)), log_(log) {}
  void publish(const Reading& r) override { log_.push_back(name_ + ":" + r.meter_id); }

 private:
  std::string name_;
  std::vector<std::string>& log_;
};

TEST(ReadingFanout, ForwardsEachReadingToEverySinkInOrder) {
  std::vector<std::string> log;
  Recorder a("a", log);
  Recorder b("b", log);
  LatestValues cache;
  ReadingFanout fanout;
  EXPECT_EQ(fanout.size(), 0u);
  fanout.add(a);
  fanout.add(cache);
  fanout.add(b);
  EXPECT_EQ(fanout.size(), 3u);

  const ObisCode power{1, 1, 1, 7, 0};
  fanout.publish(
      Reading{"m1", UtcTime{}, TimeSync::synchronized, {{power, 42.0, Unit::watt, Quality::good}}});
  fanout.publish(Reading{"m2", UtcTime{}, TimeSync::synchronized, {}});
  EXPECT_EQ(log, (std::vector<std::string>{"a:m1", "b:m1", "a:m2", "b:m2"}));
  ASSERT_TRUE(cache.get("m1", power));
  EXPECT_EQ(cache.get("m1", power)->value, 42.0);
  EXPECT_TRUE(cache.meter("m2"));
}

}  // namespace
}  // namespace meterd::pipeline
