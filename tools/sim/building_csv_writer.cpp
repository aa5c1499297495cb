#include "tools/sim/building_csv_writer.hpp"

#include <charconv>
#include <chrono>
#include <system_error>

namespace meterd::sim {
namespace {

// "2026-01-05T00:00:00Z" into buf (20 characters); returns the end.
char* format_timestamp(char* buf, UtcTime t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> hms{floor<seconds>(t - day)};
  const auto two = [](char* p, unsigned v) {
    p[0] = static_cast<char>('0' + v / 10);
    p[1] = static_cast<char>('0' + v % 10);
  };
  const auto y = static_cast<unsigned>(static_cast<int>(ymd.year()));
  two(buf, y / 100);
  two(buf + 2, y % 100);
  buf[4] = '-';
  two(buf + 5, static_cast<unsigned>(ymd.month()));
  buf[7] = '-';
  two(buf + 8, static_cast<unsigned>(ymd.day()));
  buf[10] = 'T';
  two(buf + 11, static_cast<unsigned>(hms.hours().count()));
  buf[13] = ':';
  two(buf + 14, static_cast<unsigned>(hms.minutes().count()));
  buf[16] = ':';
  two(buf + 17, static_cast<unsigned>(hms.seconds().count()));
  buf[19] = 'Z';
  return buf + 20;
}

// ",<value with one decimal>" into buf; returns the end.
char* append_value(char* p, char* end, double v) {
  *p++ = ',';
  if (v > -0.05 && v < 0.05) v = 0.0;  // no "-0.0"
  return std::to_chars(p, end, v, std::chars_format::fixed, 1).ptr;
}

}  // namespace

Result<std::unique_ptr<BuildingCsvWriter>> BuildingCsvWriter::open(const std::filesystem::path& dir,
                                                                   std::uint8_t phases, int rate_s) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error{Errc::io_error, "cannot create " + dir.string() + ": " + ec.message()};
  std::unique_ptr<BuildingCsvWriter> w{new BuildingCsvWriter(phases == 1 ? 1 : 3, rate_s)};
  w->dir_ = dir;
  const auto open_file = [&](std::ofstream& f, const std::string& name, const std::string& header) -> bool {
    f.open(dir / name, std::ios::out | std::ios::trunc | std::ios::binary);
    f << header << '\n';
    return static_cast<bool>(f);
  };
  std::string mains = "timestamp";
  if (w->phases_ == 1) {
    mains += ",p_w,q_var";
  } else {
    for (int k = 1; k <= 3; ++k) mains += ",p" + std::to_string(k) + "_w,q" + std::to_string(k) + "_var";
  }
  std::string truth = "timestamp";
  for (const Usage u : kAllUsages) truth += "," + std::string(to_string(u)) + "_w";
  bool ok = open_file(w->mains_, "mains.csv", mains) && open_file(w->truth_, "truth.csv", truth);
  for (const Usage u : kAllUsages)
    ok = ok && open_file(w->usage_[index_of(u)], std::string(to_string(u)) + ".csv", "timestamp,p_w");
  if (!ok) return Error{Errc::io_error, "cannot write the CSV files in " + dir.string()};
  return w;
}

void BuildingCsvWriter::add(const SiteSample& s) {
  if (count_ == 0) row_start_ = s.time;
  for (std::size_t k = 0; k < 3; ++k) {
    p_[k] += s.p_w[k];
    q_[k] += s.q_var[k];
  }
  for (std::size_t u = 0; u < kUsageCount; ++u) truth_w_[u] += s.truth_w[u];
  if (++count_ == rate_s_) write_row();
}

void BuildingCsvWriter::write_row() {
  const double n = count_;
  char buf[512];
  char* const end = buf + sizeof buf;
  char* ts_end = format_timestamp(buf, row_start_);
  const auto ts_len = ts_end - buf;

  char* p = ts_end;
  for (std::size_t k = 0; k < phases_; ++k) {
    p = append_value(p, end, p_[k] / n);
    p = append_value(p, end, q_[k] / n);
  }
  *p++ = '\n';
  mains_.write(buf, p - buf);

  p = ts_end;
  for (std::size_t u = 0; u < kUsageCount; ++u) p = append_value(p, end, truth_w_[u] / n);
  *p++ = '\n';
  truth_.write(buf, p - buf);

  for (std::size_t u = 0; u < kUsageCount; ++u) {
    p = append_value(buf + ts_len, end, truth_w_[u] / n);
    *p++ = '\n';
    usage_[u].write(buf, p - buf);
  }
  count_ = 0;
  p_.fill(0.0);
  q_.fill(0.0);
  truth_w_.fill(0.0);
  ++rows_;
}

Result<std::uint64_t> BuildingCsvWriter::finish() {
  bool ok = true;
  for (std::ofstream* f : {&mains_, &truth_}) {
    f->close();
    ok = ok && !f->fail();
  }
  for (auto& f : usage_) {
    f.close();
    ok = ok && !f.fail();
  }
  if (!ok) return Error{Errc::io_error, "writing the CSV files in " + dir_.string() + " failed"};
  return rows_;
}

Result<std::uint64_t> write_building_csv(const SiteConfig& site, int days, int rate_s,
                                         const std::filesystem::path& dir) {
  auto writer = BuildingCsvWriter::open(dir, site.phases, rate_s);
  if (!writer) return writer.error();
  CommercialBuilding building(site);
  const long long steps = static_cast<long long>(days) * 86'400;
  for (long long i = 0; i < steps; ++i) (*writer)->add(building.step());
  return (*writer)->finish();
}

}  // namespace meterd::sim
