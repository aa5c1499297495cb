// tests/api/page_chromium_test.cpp: the page at / in headless Chromium against the API over
// real sources: it loads with no console errors, shows every meter with a non-empty chart line,
// and the numbers it shows are the API's; with NILM on, today's usage bars and stacked curve
// carry the stored virtual-meter values (usage_fixture.hpp), with NILM off the section is
// hidden. A screenshot goes to <build>/page.png (and a phone-sized one to <build>/page-phone.png).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "src/api/web_assets.hpp"
#include "tests/api/api_fixture.hpp"
#include "tests/api/http_client.hpp"

namespace meterd::api::testing {
namespace {

using nlohmann::json;

struct Run {
  std::string out;  // stdout (the DOM with --dump-dom)
  std::string err;  // stderr (the log, console messages)
};

// Runs headless Chromium on `url` with `extra` flags in a fresh profile; TZ=UTC.
Run chromium(const std::string& url, const std::string& extra, const TempDir& dir) {
  const auto err_file = dir.path() / "chromium.log";
  const std::string cmd =
      "TZ=UTC timeout 60 chromium --headless --no-sandbox --disable-gpu "
      "--disable-background-networking --disable-component-update --disable-sync "
      "--no-first-run --disable-dev-shm-usage --enable-logging=stderr --v=0 --user-data-dir=" +
      (dir.path() / "profile").string() + " --virtual-time-budget=8000 " + extra + " '" + url +
      "' 2>" + err_file.string();
  Run run;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return run;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) run.out.append(buf, n);
  ::pclose(p);
  std::ifstream e(err_file);
  std::ostringstream s;
  s << e.rdbuf();
  run.err = s.str();
  return run;
}

// The value of attribute `attr` on the element with data-meter="id" and class/tag `what`.
std::string attribute(const std::string& dom, const std::string& what, const std::string& id,
                      const std::string& attr) {
  const std::regex re("<" + what + "[^>]*data-meter=\"" + id + "\"[^>]*>");
  std::smatch m;
  if (!std::regex_search(dom, m, re)) return "<no element>";
  const std::regex a(attr + "=\"([^\"]*)\"");
  std::smatch v;
  const std::string tag = m.str();
  return std::regex_search(tag, v, a) ? v[1].str() : "<no attribute>";
}

// The value of attribute `attr` on the first <tag ... key="value" ...> element.
std::string attribute_of(const std::string& dom, const std::string& tag, const std::string& key,
                         const std::string& value, const std::string& attr) {
  const std::regex re("<" + tag + "[^>]*" + key + "=\"" + value + "\"[^>]*>");
  std::smatch m;
  if (!std::regex_search(dom, m, re)) return "<no element>";
  const std::regex a(" " + attr + "=\"([^\"]*)\"");
  std::smatch v;
  const std::string found = m.str();
  return std::regex_search(found, v, a) ? v[1].str() : "<no attribute>";
}

// Any console line (console.error, an uncaught exception, a failed load: Chromium logs them all
// as INFO:CONSOLE with --enable-logging=stderr) is a failure.
void expect_quiet_console(const std::string& err) {
  std::istringstream log(err);
  std::string line;
  while (std::getline(log, line)) {
    EXPECT_EQ(line.find(":CONSOLE"), std::string::npos) << line;
    EXPECT_EQ(line.find("Uncaught"), std::string::npos) << line;
  }
}

// Today's usage section shows the API's totals (bars: energy, share, confidence) and the
// stacked curve holds every step of every category, the last step's power being the stored one.
void expect_usages(const std::string& dom, const ApiFixture& f) {
  EXPECT_NE(dom.find("<section id=\"usages\">"), std::string::npos) << "usage section hidden";
  const auto body = json::parse(get(f.port(), "/api/v1/usages").body);
  const auto& steps = body["steps"];
  ASSERT_GT(steps.size(), 10u);
  const auto last_start = parse_utc(steps.back()["start"].get<std::string>()).value();
  const std::int64_t k_last = last_start.time_since_epoch().count() / 600'000;
  for (const Usage u : kAllUsages) {
    const std::string c{to_string(u)};
    const auto& t = body["totals"]["usages"][c];
    const auto energy = attribute_of(dom, "div", "data-usage", c, "data-energy-wh");
    ASSERT_NE(energy, "<no element>") << c;
    EXPECT_DOUBLE_EQ(std::stod(energy), t["energy_wh"].get<double>()) << c;
    EXPECT_DOUBLE_EQ(std::stod(attribute_of(dom, "div", "data-usage", c, "data-share")),
                     t["share"].get<double>())
        << c;
    EXPECT_DOUBLE_EQ(std::stod(attribute_of(dom, "div", "data-usage", c, "data-confidence")),
                     t["confidence"].get<double>())
        << c;
    // The row shows kWh and % as text.
    char kwh[64];
    std::snprintf(kwh, sizeof kwh, "%.2f kWh · %.1f %%", t["energy_wh"].get<double>() / 1000,
                  100 * t["share"].get<double>());
    EXPECT_NE(dom.find(kwh), std::string::npos) << c << ": " << kwh;
    // The stacked curve: one shape per category over every step, ending at the stored power.
    EXPECT_EQ(attribute_of(dom, "path", "data-usage", c, "data-steps"),
              std::to_string(steps.size()))
        << c;
    EXPECT_DOUBLE_EQ(std::stod(attribute_of(dom, "path", "data-usage", c, "data-last-w")),
                     usage_power(u, k_last))
        << c;
  }
  // Midnight to 03:00, 03:20 to 04:00, 04:10 to now: the gap and the skipped step break it.
  EXPECT_EQ(attribute_of(dom, "svg", "id", "usage-chart", "data-runs"), "3");
  EXPECT_EQ(attribute_of(dom, "svg", "id", "usage-chart", "data-day-h"), "24");
  EXPECT_NE(dom.find("confidence "), std::string::npos);
  // The axis is the box's local day, not the browser's clock.
  EXPECT_NE(dom.find(" 00:00</span>"), std::string::npos);
  EXPECT_NE(dom.find("24:00 (box time, UTC"), std::string::npos);
}

std::string inner_after(const std::string& dom, const std::string& id, const std::string& attr) {
  const std::regex re("<div class=\"card\" data-meter=\"" + id + "\">.*?<[a-z]+[^>]*" + attr +
                      "=\"([^\"]*)\"");
  std::smatch m;
  return std::regex_search(dom, m, re) ? m[1].str() : "<none>";
}

TEST(PageChromium, ShowsEveryMeterWithChartAndTheApiNumbers) {
  ApiFixture f{ApiFixture::nilm_options()};
  ASSERT_TRUE(f.start_result());
  TempDir dir;
  const std::string url = "http://127.0.0.1:" + std::to_string(f.port()) + "/";
  const auto run = chromium(url, "--dump-dom", dir);
  ASSERT_NE(run.out.find("<h1>meterd</h1>"), std::string::npos) << run.out << run.err;

  expect_quiet_console(run.err);
  EXPECT_EQ(run.out.find("error:"), std::string::npos) << "the page reports an error";

  for (std::size_t m = 0; m < ApiFixture::kMeters.size(); ++m) {
    const auto& id = ApiFixture::kMeters[m];
    EXPECT_NE(run.out.find("<div class=\"card\" data-meter=\"" + id + "\">"), std::string::npos)
        << id;
    // The chart line has points.
    const auto points = attribute(run.out, "polyline", id, "data-points");
    ASSERT_NE(points, "<no element>") << id;
    EXPECT_GT(std::stoi(points), 100) << id;
    // The shown power is the API's latest 1-1:1.7.0.
    auto latest = get(f.port(), "/api/v1/meters/" + id + "/latest");
    const auto body = json::parse(latest.body);
    const double api_power = body["values"][0]["value"].get<double>();
    const auto shown = inner_after(run.out, id, "data-power");
    ASSERT_NE(shown, "<none>") << id;
    EXPECT_DOUBLE_EQ(std::stod(shown), api_power) << id;
    // The day's energy is max - min of 1-1:1.8.0 since midnight (UTC here), as the API says.
    const auto midnight = std::chrono::floor<std::chrono::days>(f.now());
    const std::string q = "/api/v1/meters/" + id +
                          "/series?obis=1-1:1.8.0&step=1d&from=" + format_utc(midnight) +
                          "&aggregate=";
    const auto lo = json::parse(get(f.port(), q + "min").body);
    const auto hi = json::parse(get(f.port(), q + "max").body);
    const auto energy = inner_after(run.out, id, "data-energy");
    if (lo["points"].empty()) {
      EXPECT_EQ(energy, "") << id;
    } else {
      EXPECT_DOUBLE_EQ(std::stod(energy),
                       hi["points"][0][1].get<double>() - lo["points"][0][1].get<double>())
          << id;
    }
  }
  // heat-pump's power is stale: shown struck through, never as current.
  EXPECT_NE(run.out.find("class=\"big stale\""), std::string::npos);
  EXPECT_NE(run.out.find("STALE"), std::string::npos);
  // Storage and uplink panels are filled.
  EXPECT_NE(run.out.find("<dt>chunks</dt>"), std::string::npos);
  EXPECT_NE(run.out.find("<dd>connected</dd>"), std::string::npos);
  expect_usages(run.out, f);

  // Screenshots for people to look at: laptop and phone widths.
  const std::string laptop = std::string{METERD_BINARY_DIR} + "/page.png";
  const std::string phone = std::string{METERD_BINARY_DIR} + "/page-phone.png";
  std::remove(laptop.c_str());
  std::remove(phone.c_str());
  chromium(url, "--window-size=1280,1100 --screenshot=" + laptop, dir);
  chromium(url, "--window-size=390,1600 --screenshot=" + phone, dir);
  EXPECT_TRUE(std::filesystem::exists(laptop));
  EXPECT_GT(std::filesystem::file_size(laptop), 10'000u);
  EXPECT_TRUE(std::filesystem::exists(phone));
}

// A site without IT (nilm.usages): no IT bar and no IT shape; the other categories are shown.
TEST(PageChromium, UsageSectionShowsOnlyTheSitesUsages) {
  ApiOptions o = ApiFixture::nilm_options();
  o.usages.present[index_of(Usage::it)] = false;
  ApiFixture f(o, o.usages.present);
  ASSERT_TRUE(f.start_result());
  TempDir dir;
  const auto run =
      chromium("http://127.0.0.1:" + std::to_string(f.port()) + "/", "--dump-dom", dir);
  ASSERT_NE(run.out.find("<section id=\"usages\">"), std::string::npos) << run.out << run.err;
  EXPECT_EQ(attribute_of(run.out, "div", "data-usage", "it", "data-energy-wh"), "<no element>");
  EXPECT_EQ(attribute_of(run.out, "path", "data-usage", "it", "data-steps"), "<no element>");
  for (const char* c : {"lighting", "heating_elements", "other"}) {
    EXPECT_NE(attribute_of(run.out, "div", "data-usage", c, "data-energy-wh"), "<no element>")
        << c;
  }
}

// The box's clock went forward an hour this morning (nilm.utc_offset: local): today is 23 h long,
// and the stacked curve spans those 23 h, not 24.
TEST(PageChromium, TheUsageCurveSpansTheLocalDayAcrossAClockChange) {
  ApiOptions o = ApiFixture::nilm_options();
  const auto winter = o.usages.utc_offset;
  const auto summer = winter + std::chrono::minutes{60};
  const auto at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) -
                  std::chrono::hours{6};
  o.usages.local_offset = [=](UtcTime t) { return t < at ? winter : summer; };
  ApiFixture f(o);
  ASSERT_TRUE(f.start_result());
  TempDir dir;
  const auto run =
      chromium("http://127.0.0.1:" + std::to_string(f.port()) + "/", "--dump-dom", dir);
  ASSERT_NE(run.out.find("<section id=\"usages\">"), std::string::npos) << run.out << run.err;
  EXPECT_EQ(attribute_of(run.out, "svg", "id", "usage-chart", "data-day-h"), "23");
  EXPECT_EQ(run.out.find("error:"), std::string::npos);
  expect_quiet_console(run.err);
}

TEST(PageChromium, UsageSectionHiddenWithoutNilm) {
  ApiFixture f;  // test_options(): no virtual meter
  ASSERT_TRUE(f.start_result());
  TempDir dir;
  const auto run =
      chromium("http://127.0.0.1:" + std::to_string(f.port()) + "/", "--dump-dom", dir);
  ASSERT_NE(run.out.find("<h1>meterd</h1>"), std::string::npos) << run.out << run.err;
  EXPECT_NE(run.out.find("<section id=\"usages\" hidden=\"\">"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("data-usage="), std::string::npos);
  EXPECT_EQ(run.out.find("error:"), std::string::npos);
  // The meters are still shown.
  EXPECT_NE(run.out.find("<div class=\"card\" data-meter=\"grid\">"), std::string::npos);
  expect_quiet_console(run.err);
}

TEST(PageChromium, PageIsSelfContained) {
  // No external resource: every src/href is same-origin or data:.
  for (const char* path : {"/", "/app.js", "/usages.js", "/style.css"}) {
    const WebAsset* a = find_web_asset(path);
    ASSERT_NE(a, nullptr) << path;
    const std::string text(a->data, a->size);
    EXPECT_EQ(text.find("http://"), text.find("http://www.w3.org/2000/svg")) << path;
    EXPECT_EQ(text.find("https://"), std::string::npos) << path;
    EXPECT_EQ(text.find("//cdn"), std::string::npos) << path;
  }
}

}  // namespace
}  // namespace meterd::api::testing
