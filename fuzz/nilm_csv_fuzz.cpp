// nilm_csv_fuzz: feeds arbitrary bytes, as a file, to the replay's CSV series reader
// (`meterd nilm replay --mains FILE.csv`). Every file either fails to open with an error that
// names it, or yields samples and errors until its end: each error names FILE:LINE:COLUMN, the
// reader moves past it, and it never crashes, hangs or loops on one line.
#include "src/nilm/replay/csv_series_reader.hpp"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace {

// One file per fuzzing process, removed after each input (libFuzzer may end the process
// without running atexit handlers).
const std::string& scratch_file() {
  static const std::string path = "/tmp/nilm_csv_fuzz." + std::to_string(::getpid()) + ".csv";
  return path;
}

// Reads the file through; aborts on a broken contract.
void read_through(const std::string& path, std::size_t size) {
  meterd::nilm::replay::ColumnSelector selector;
  selector.file = path;
  auto reader = meterd::nilm::replay::CsvSeriesReader::open(selector);
  if (!reader) {
    if (reader.error().detail.find(path) == std::string::npos) std::abort();
    return;
  }
  // A line yields one sample or one error, so there are at most as many results as bytes + 1.
  for (std::size_t calls = 0;; ++calls) {
    if (calls > size + 1) std::abort();  // stuck on a line
    auto sample = reader->next();
    if (!sample) {
      if (sample.error().detail.rfind(path + ":", 0) != 0) std::abort();
      continue;
    }
    if (!*sample) break;
    if ((*sample)->phases != reader->phases()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = scratch_file();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  read_through(path, size);
  std::remove(path.c_str());
  return 0;
}
