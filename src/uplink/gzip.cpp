// uplink/gzip.cpp: zlib deflate/inflate with the gzip wrapper (windowBits 15 + 16).
#include "src/uplink/gzip.hpp"

#include <zlib.h>

#include <memory>

namespace meterd::uplink {

Result<std::vector<std::uint8_t>> gzip_compress(std::span<const std::uint8_t> data, int level) {
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return Error(Errc::io_error, "gzip: deflateInit2 failed");
  std::vector<std::uint8_t> out(deflateBound(&zs, static_cast<uLong>(data.size())) + 32);
  zs.next_in = const_cast<Bytef*>(data.data());  // zlib's API is not const-correct
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  const auto produced = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return Error(Errc::io_error, "gzip: deflate did not finish");
  out.resize(produced);
  return out;
}

Result<std::vector<std::uint8_t>> gzip_decompress(std::span<const std::uint8_t> gz,
                                                  std::size_t max_bytes) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return Error(Errc::io_error, "gzip: inflateInit2 failed");
  std::unique_ptr<z_stream, decltype(&inflateEnd)> guard(&zs, &inflateEnd);
  zs.next_in = const_cast<Bytef*>(gz.data());
  zs.avail_in = static_cast<uInt>(gz.size());
  std::vector<std::uint8_t> out;
  std::uint8_t buf[65536];
  for (;;) {
    zs.next_out = buf;
    zs.avail_out = sizeof buf;
    const int rc = inflate(&zs, Z_NO_FLUSH);
    const std::size_t got = sizeof buf - zs.avail_out;
    if (out.size() + got > max_bytes)
      return Error(Errc::out_of_range, "gzip: more than " + std::to_string(max_bytes) + " bytes");
    out.insert(out.end(), buf, buf + got);
    if (rc == Z_STREAM_END) return out;
    if (rc != Z_OK) return Error(Errc::parse_error, "gzip: corrupt stream");
    if (zs.avail_in == 0 && got == 0) return Error(Errc::parse_error, "gzip: truncated stream");
  }
}

}  // namespace meterd::uplink
