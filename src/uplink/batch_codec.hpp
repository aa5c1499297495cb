// uplink/batch_codec.hpp: the two wire encodings of a batch (docs/uplink.md, "Batch document").
//
// json: the readable document, Content-Type application/json. cbor: the same tree in CBOR
// (RFC 8949) with columns delta-coded and values packed exactly (column_codec.hpp), Content-Type
// application/vnd.meterd.batch+cbor. Either is then gzip-compressed on the wire. decode_batch() is
// the reference receiver side (tests, tools): it checks every length and index. Pure functions,
// thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "meterd/error.hpp"
#include "src/uplink/batch.hpp"

namespace meterd::uplink {

enum class Encoding { json, cbor };

inline constexpr std::string_view kJsonContentType = "application/json";
inline constexpr std::string_view kCborContentType = "application/vnd.meterd.batch+cbor";

std::string_view content_type(Encoding e) noexcept;
// The encoding of a Content-Type header value (parameters after ';' ignored), or nullopt.
std::optional<Encoding> encoding_from_content_type(std::string_view content_type) noexcept;

// The document for `batch`, uncompressed; `key` is its idempotency_key(), `chunk_hashes` the
// chunk hashes it gave (computed here when empty).
std::vector<std::uint8_t> encode_batch(const Batch& batch, Encoding encoding,
                                       const std::string& key,
                                       std::span<const std::string> chunk_hashes = {});

struct DecodedChunk {
  std::int64_t id = 0;
  std::string meter;
  std::optional<std::string> serial;
  UtcTime window_start{};
  std::string sha256;
  std::vector<Reading> readings;
};

struct DecodedBatch {
  int schema = 0;
  std::string gateway;
  std::string key;
  std::vector<DecodedChunk> chunks;
  std::vector<UploadEvent> events;  // id 0 when the document gave none
};

// Errc::parse_error (with what was wrong) for anything that is not a valid document.
Result<DecodedBatch> decode_batch(std::span<const std::uint8_t> body, Encoding encoding);

}  // namespace meterd::uplink
