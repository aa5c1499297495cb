// uplink/batch_codec.cpp: batch <-> JSON / CBOR documents (batch_codec.hpp, docs/uplink.md).
#include "src/uplink/batch_codec.hpp"

#include <cmath>
#include <map>

#include "src/uplink/column_codec.hpp"

namespace meterd::uplink {
namespace {

using Json = nlohmann::json;

std::int64_t ms_of(UtcTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
UtcTime utc_of(std::int64_t ms) { return UtcTime{std::chrono::milliseconds{ms}}; }

Json int_column(std::span<const std::int64_t> ints, Encoding e) {
  if (e == Encoding::cbor) return encode_deltas(ints);
  return Json(std::vector<std::int64_t>(ints.begin(), ints.end()));
}

Json series_json(const SeriesColumns& s, Encoding e) {
  Json j{{"obis", s.obis.to_string()}, {"unit", std::string(symbol(s.unit))}};
  if (e == Encoding::cbor) {
    j["v"] = encode_value_column(s.values);
  } else {
    Json v = Json::array();
    for (double x : s.values) v.push_back(std::isfinite(x) ? Json(x) : Json(nullptr));
    j["v"] = std::move(v);
  }
  if (!s.all_good()) {
    Json q = Json::array();
    for (auto x : s.qualities) q.push_back(static_cast<int>(x));
    j["q"] = std::move(q);
  }
  if (!s.rows.empty()) {
    std::vector<std::int64_t> rows(s.rows.begin(), s.rows.end());
    j["rows"] = int_column(rows, e);
  }
  return j;
}

Json chunk_json(const UploadChunk& c, const std::string& hash, Encoding e) {
  const ChunkColumns cols = to_columns(c);
  Json j{{"id", c.id},
         {"window_start", ms_of(c.window_start)},
         {"sha256", hash},
         {"t", int_column(cols.times_ms, e)}};
  if (!cols.all_synchronized()) {
    Json s = Json::array();
    for (auto x : cols.syncs) s.push_back(static_cast<int>(x));
    j["sync"] = std::move(s);
  }
  Json series = Json::array();
  for (const auto& s : cols.series) series.push_back(series_json(s, e));
  j["series"] = std::move(series);
  return j;
}

Json event_json(const UploadEvent& e) {
  const Event& ev = e.event;
  return Json{{"id", e.id},
              {"time", ms_of(ev.time)},
              {"bus", ev.bus},
              {"meter", ev.meter_id},
              {"kind", std::string(to_string(ev.kind))},
              {"detail", ev.detail}};
}

// ---- decoding ----------------------------------------------------------------------------------

Error bad(const std::string& what) { return Error(Errc::parse_error, "batch: " + what); }

const Json* field(const Json& j, const char* name) {
  auto it = j.find(name);
  return it == j.end() ? nullptr : &*it;
}

Result<std::int64_t> int_field(const Json& j, const char* name) {
  const Json* f = field(j, name);
  if (!f || !f->is_number_integer()) return bad(std::string("'") + name + "' must be an integer");
  return f->get<std::int64_t>();
}

Result<std::string> string_field(const Json& j, const char* name) {
  const Json* f = field(j, name);
  if (!f || !f->is_string()) return bad(std::string("'") + name + "' must be a string");
  return f->get<std::string>();
}

Result<std::vector<std::int64_t>> read_ints(const Json& j, std::size_t n, Encoding e) {
  if (e == Encoding::cbor) return decode_deltas(j, n);
  if (!j.is_array() || j.size() != n)
    return bad("expected an array of " + std::to_string(n) + " integers");
  std::vector<std::int64_t> out;
  for (const auto& x : j) {
    if (!x.is_number_integer()) return bad("expected integers");
    out.push_back(x.get<std::int64_t>());
  }
  return out;
}

Result<SeriesColumns> read_series(const Json& j, std::size_t n_rows, Encoding e) {
  SeriesColumns s;
  auto obis = string_field(j, "obis");
  if (!obis) return obis.error();
  auto code = ObisCode::parse(*obis);
  if (!code) return bad("series obis: " + code.error().detail);
  s.obis = *code;
  auto unit = string_field(j, "unit");
  if (!unit) return unit.error();
  auto u = unit_from_symbol(*unit);
  if (!u) return bad("unknown unit '" + *unit + "'");
  s.unit = *u;
  std::size_t n = n_rows;
  if (const Json* rows = field(j, "rows")) {
    if (!rows->is_array() || rows->size() > n_rows) return bad("'rows' longer than 't'");
    auto r = read_ints(*rows, rows->size(), e);
    if (!r) return r.error();
    std::int64_t prev = -1;
    for (auto x : *r) {
      if (x <= prev || x >= static_cast<std::int64_t>(n_rows))
        return bad("'rows' must increase and index 't'");
      prev = x;
      s.rows.push_back(static_cast<std::uint32_t>(x));
    }
    n = s.rows.size();
  }
  const Json* v = field(j, "v");
  if (!v) return bad("series without 'v'");
  if (e == Encoding::cbor) {
    auto vals = decode_value_column(*v, n);
    if (!vals) return vals.error();
    s.values = std::move(*vals);
  } else {
    if (!v->is_array() || v->size() != n) return bad("'v' must have one value per row");
    for (const auto& x : *v) {
      if (x.is_null()) {
        s.values.push_back(std::nan(""));
      } else if (x.is_number()) {
        s.values.push_back(x.get<double>());
      } else {
        return bad("'v' must hold numbers or null");
      }
    }
  }
  s.qualities.assign(n, Quality::good);
  if (const Json* q = field(j, "q")) {
    if (!q->is_array() || q->size() != n) return bad("'q' must have one quality per value");
    for (std::size_t i = 0; i < n; ++i) {
      if (!(*q)[i].is_number_unsigned() || (*q)[i].get<std::uint64_t>() > 255)
        return bad("'q' must hold quality codes");
      s.qualities[i] = static_cast<Quality>((*q)[i].get<std::uint8_t>());
    }
  }
  return s;
}

Result<DecodedChunk> read_chunk(const Json& j, const std::string& meter,
                                const std::optional<std::string>& serial, Encoding e) {
  DecodedChunk c;
  c.meter = meter;
  c.serial = serial;
  auto id = int_field(j, "id");
  if (!id) return id.error();
  c.id = *id;
  auto ws = int_field(j, "window_start");
  if (!ws) return ws.error();
  c.window_start = utc_of(*ws);
  auto sha = string_field(j, "sha256");
  if (!sha) return sha.error();
  c.sha256 = *sha;
  const Json* t = field(j, "t");
  if (!t || !t->is_array()) return bad("chunk without 't'");
  ChunkColumns cols;
  auto times = read_ints(*t, t->size(), e);
  if (!times) return times.error();
  cols.times_ms = std::move(*times);
  cols.syncs.assign(cols.times_ms.size(), TimeSync::synchronized);
  if (const Json* s = field(j, "sync")) {
    if (!s->is_array() || s->size() != cols.times_ms.size())
      return bad("'sync' must have one entry per reading");
    for (std::size_t i = 0; i < s->size(); ++i) {
      if (!(*s)[i].is_number_unsigned() || (*s)[i].get<std::uint64_t>() > 3)
        return bad("'sync' must hold 0..3");
      cols.syncs[i] = static_cast<TimeSync>((*s)[i].get<std::uint8_t>());
    }
  }
  const Json* series = field(j, "series");
  if (!series || !series->is_array()) return bad("chunk without 'series'");
  for (const auto& sj : *series) {
    auto s = read_series(sj, cols.times_ms.size(), e);
    if (!s) return s.error();
    cols.series.push_back(std::move(*s));
  }
  c.readings = to_readings(cols, meter);
  return c;
}

// The EventKind named `s` (every enumerator meterd/event.hpp names), or nullopt.
std::optional<EventKind> kind_from_string(std::string_view s) {
  for (int i = 0; i <= 0xff; ++i) {
    const auto k = static_cast<EventKind>(i);
    if (to_string(k) != "unknown" && to_string(k) == s) return k;
  }
  return std::nullopt;
}

}  // namespace

std::string_view content_type(Encoding e) noexcept {
  return e == Encoding::cbor ? kCborContentType : kJsonContentType;
}

std::optional<Encoding> encoding_from_content_type(std::string_view ct) noexcept {
  ct = ct.substr(0, ct.find(';'));
  while (!ct.empty() && ct.back() == ' ') ct.remove_suffix(1);
  if (ct == kJsonContentType) return Encoding::json;
  if (ct == kCborContentType) return Encoding::cbor;
  return std::nullopt;
}

std::vector<std::uint8_t> encode_batch(const Batch& batch, Encoding e, const std::string& key,
                                       std::span<const std::string> chunk_hashes) {
  const bool hashed = chunk_hashes.size() == batch.chunks.size();
  Json meters = Json::array();
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < batch.chunks.size(); ++i) {
    const UploadChunk& c = batch.chunks[i];
    auto it = index.find(c.meter);
    if (it == index.end()) {
      auto serial = batch.serials.find(c.meter);
      meters.push_back(
          Json{{"id", c.meter},
               {"serial", serial == batch.serials.end() ? Json(nullptr) : Json(serial->second)},
               {"chunks", Json::array()}});
      it = index.emplace(c.meter, meters.size() - 1).first;
    }
    meters[it->second]["chunks"].push_back(
        chunk_json(c, hashed ? chunk_hashes[i] : chunk_hash(c), e));
  }
  Json events = Json::array();
  for (const auto& ev : batch.events) events.push_back(event_json(ev));
  Json doc{{"schema", kSchemaVersion},
           {"gateway", batch.gateway},
           {"key", key},
           {"meters", std::move(meters)},
           {"events", std::move(events)}};
  if (e == Encoding::cbor) return Json::to_cbor(doc);
  const std::string text = doc.dump();
  return {text.begin(), text.end()};
}

Result<DecodedBatch> decode_batch(std::span<const std::uint8_t> body, Encoding e) {
  Json doc = e == Encoding::cbor ? Json::from_cbor(body, true, false)
                                 : Json::parse(body.begin(), body.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return bad("not a well-formed document");
  DecodedBatch out;
  auto schema = int_field(doc, "schema");
  if (!schema) return schema.error();
  if (*schema != kSchemaVersion) return bad("unsupported schema " + std::to_string(*schema));
  out.schema = static_cast<int>(*schema);
  auto gw = string_field(doc, "gateway");
  if (!gw) return gw.error();
  out.gateway = *gw;
  auto key = string_field(doc, "key");
  if (!key) return key.error();
  out.key = *key;
  const Json* meters = field(doc, "meters");
  if (!meters || !meters->is_array()) return bad("'meters' must be an array");
  for (const auto& m : *meters) {
    auto id = string_field(m, "id");
    if (!id) return id.error();
    std::optional<std::string> serial;
    if (const Json* s = field(m, "serial"); s && s->is_string()) serial = s->get<std::string>();
    const Json* chunks = field(m, "chunks");
    if (!chunks || !chunks->is_array()) return bad("meter without 'chunks'");
    for (const auto& cj : *chunks) {
      auto c = read_chunk(cj, *id, serial, e);
      if (!c) return c.error();
      out.chunks.push_back(std::move(*c));
    }
  }
  if (const Json* events = field(doc, "events")) {
    if (!events->is_array()) return bad("'events' must be an array");
    for (const auto& ej : *events) {
      UploadEvent ue;
      Event& ev = ue.event;
      if (field(ej, "id") != nullptr) {
        auto id = int_field(ej, "id");
        if (!id) return id.error();
        ue.id = *id;
      }
      auto t = int_field(ej, "time");
      auto kind = string_field(ej, "kind");
      if (!t || !kind) return bad("event needs 'time' and 'kind'");
      auto k = kind_from_string(*kind);
      if (!k) return bad("unknown event kind '" + *kind + "'");
      ev.time = utc_of(*t);
      ev.kind = *k;
      if (auto b = string_field(ej, "bus")) ev.bus = *b;
      if (auto m = string_field(ej, "meter")) ev.meter_id = *m;
      if (auto d = string_field(ej, "detail")) ev.detail = *d;
      out.events.push_back(std::move(ue));
    }
  }
  return out;
}

}  // namespace meterd::uplink
