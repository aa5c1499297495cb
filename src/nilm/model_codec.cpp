#include "src/nilm/model_codec.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <nlohmann/json.hpp>

namespace meterd::nilm {
namespace {

using nlohmann::json;
constexpr std::string_view kFormat = "meterd-nilm-model";

// The numbers per sum of each format, oldest first: before the residual's Q, the on/off states,
// the shadow instances, the short-memory level, the category's x^2, the phase contrasts and the
// x^2 sum's own weight; kSumsFields since.
constexpr std::size_t kLevelFields = 28;
constexpr std::size_t kBoundFields = 29;
constexpr std::size_t kContrastFields = 7 * ContinuousModel::kContrasts + 1;
constexpr std::size_t kCoverageFields = kBoundFields + kContrastFields;
constexpr std::size_t kSumsFields = kCoverageFields + 1;
constexpr std::array<std::size_t, 8> kSumsFormats = {7,  11, 17, 22, kLevelFields, kBoundFields,
                                                     kCoverageFields, kSumsFields};

json sums_to_json(const ContinuousModel::Sums& s) {
  json j = json::array({s.w,  s.r,  s.rr, s.x,   s.xr, s.err, s.ax,  s.q,    s.qq, s.xq,
                        s.rq, s.w0, s.r0, s.rr0, s.w1, s.r1,  s.rr1, s.s,    s.ss, s.xs,
                        s.rs, s.qs, s.lw, s.lr,  s.lx, s.lq,  s.ls,  s.lerr, s.xx});
  for (const auto* a : {&s.c, &s.cc, &s.xc, &s.rc, &s.qc, &s.sc, &s.lc})
    for (double v : *a) j.push_back(v);
  j.push_back(s.c01);
  j.push_back(s.xw);
  return j;
}

bool sums_from_json(const json& j, ContinuousModel::Sums& s) {
  // 7 fields before the residual's Q was a regressor (its sums then 0), 11 before the on/off
  // states (none seen: the category is then taken as on), 17 before the shadow instances' power
  // was a regressor (none seen: slope 0), 22 before the short-memory level (none: the level is
  // the whole memory's), 28 before the category's x^2 (none: its estimate is not bounded until
  // the sum covers most of the memory), 29 before the residual's phase contrasts (none seen: the
  // fit without them, as on one phase), 44 before the x^2 sum's weight (it covered the whole
  // memory), 45 since.
  if (!j.is_array() ||
      std::find(kSumsFormats.begin(), kSumsFormats.end(), j.size()) == kSumsFormats.end())
    return false;
  std::array<double, kSumsFields> v{};
  for (std::size_t i = 0; i < j.size(); ++i) {
    if (!j[i].is_number()) return false;
    v[i] = j[i].get<double>();
    if (!std::isfinite(v[i])) return false;
  }
  s = {v[0],  v[1],  v[2],  v[3],  v[4],  v[5],  v[6],  v[7],  v[8],  v[9],
       v[10], v[11], v[12], v[13], v[14], v[15], v[16], v[17], v[18], v[19],
       v[20], v[21], v[22], v[23], v[24], v[25], v[26], v[27], v[28]};
  std::size_t i = kBoundFields;
  for (auto* a : {&s.c, &s.cc, &s.xc, &s.rc, &s.qc, &s.sc, &s.lc})
    for (double& f : *a) f = v[i++];
  s.c01 = v[i++];
  s.xw = j.size() == kSumsFields ? v[i] : j.size() >= kBoundFields ? s.w : 0.0;
  // An older model's level has no short memory yet: its error starts equal to the whole
  // memory's, so the short level is chosen only once it has predicted better since (with 0, a
  // few seconds of it would beat days of the fit's error at once).
  if (j.size() < kLevelFields) s.lerr = s.err;
  return s.w >= 0.0 && s.qq >= 0.0 && s.w0 >= 0.0 && s.rr0 >= 0.0 && s.w1 >= 0.0 && s.rr1 >= 0.0 &&
         s.ss >= 0.0 && s.lw >= 0.0 && s.lerr >= 0.0 && s.xx >= 0.0 && s.xw >= 0.0 &&
         s.cc[0] >= 0.0 && s.cc[1] >= 0.0;
}

constexpr std::size_t kRunFields = (kUsageCount + 1) * kDurationBins;
constexpr std::size_t kClusterFields = 10 + kUsageCount + kRunFields + kDurationBins;

json cluster_to_json(const Cluster& c) {
  json j = json::array({c.phase, c.dp_w, c.dq_var, c.has_q ? 1 : 0, c.count, c.unmatched, c.ons,
                        c.on_count, c.on_mean_s, c.on_max_s});
  for (double v : c.votes) j.push_back(v);
  for (const auto& row : c.runs)
    for (double v : row) j.push_back(v);
  for (double v : c.durations) j.push_back(v);
  j.push_back(c.leg ? 1 : 0);
  return j;
}

bool cluster_from_json(const json& j, Cluster& c) {
  // Models before the three-phase leg flag have one field less (no legs).
  if (!j.is_array() || (j.size() != kClusterFields && j.size() != kClusterFields + 1)) return false;
  if (j.size() == kClusterFields + 1) {
    if (!j[kClusterFields].is_number()) return false;
    const double leg = j[kClusterFields].get<double>();
    if (leg != 0.0 && leg != 1.0) return false;
    c.leg = leg == 1.0;
  }
  std::array<double, kClusterFields> v{};
  for (std::size_t i = 0; i < kClusterFields; ++i) {
    if (!j[i].is_number()) return false;
    v[i] = j[i].get<double>();
    if (!std::isfinite(v[i]) || (i != 2 && v[i] < 0.0)) return false;
  }
  if (v[0] >= static_cast<double>(kMaxPhases) || v[0] != std::floor(v[0])) return false;
  c.phase = static_cast<std::uint8_t>(v[0]);
  c.dp_w = v[1];
  c.dq_var = j[2].get<double>();
  c.has_q = v[3] != 0.0;
  c.count = v[4];
  c.unmatched = v[5];
  c.ons = v[6];
  c.on_count = v[7];
  c.on_mean_s = v[8];
  c.on_max_s = v[9];
  for (std::size_t i = 0; i < kUsageCount; ++i) c.votes[i] = v[10 + i];
  for (std::size_t i = 0; i < kRunFields; ++i)
    c.runs[i / kDurationBins][i % kDurationBins] = v[10 + kUsageCount + i];
  for (std::size_t i = 0; i < kDurationBins; ++i)
    c.durations[i] = v[10 + kUsageCount + kRunFields + i];
  return true;
}

Error bad(std::string what) { return Error{Errc::parse_error, "nilm model: " + std::move(what)}; }

}  // namespace

std::string encode_model(const LearnedModel& model) {
  json table = json::array();
  for (const auto& slot : model.continuous.table()) {
    json row = json::array();
    for (const auto& s : slot) row.push_back(sums_to_json(s));
    table.push_back(std::move(row));
  }
  json pooled = json::array();
  for (const auto& s : model.continuous.pooled()) pooled.push_back(sums_to_json(s));
  json clusters = json::array();
  for (const Cluster& c : model.clusters.clusters()) clusters.push_back(cluster_to_json(c));
  json doc = {{"format", kFormat},
              {"version", kModelFormatVersion},
              {"slots", kSlotCount},
              {"categories", kUsageCount},
              {"continuous", {{"table", std::move(table)}, {"pooled", std::move(pooled)}}},
              {"clusters", std::move(clusters)}};
  if (model.base_load.ready()) doc["base_load_w"] = model.base_load.base_w();
  return doc.dump();
}

Result<std::unique_ptr<LearnedModel>> decode_model(std::string_view text) {
  const json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return bad("not a JSON object");
  const auto format = doc.find("format");
  if (format == doc.end() || !format->is_string() || format->get<std::string>() != kFormat)
    return bad("format is not meterd-nilm-model");
  const auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer() ||
      version->get<int>() != kModelFormatVersion)
    return bad("unsupported version (expected " + std::to_string(kModelFormatVersion) + ")");
  const auto slots = doc.find("slots");
  const auto cats = doc.find("categories");
  if (slots == doc.end() || cats == doc.end() || *slots != kSlotCount || *cats != kUsageCount)
    return bad("slot or category count differs from this build");
  const auto cont = doc.find("continuous");
  if (cont == doc.end() || !cont->is_object()) return bad("no continuous model");
  const auto table = cont->find("table");
  const auto pooled = cont->find("pooled");
  if (table == cont->end() || pooled == cont->end() || !table->is_array() || !pooled->is_array() ||
      table->size() != kSlotCount || pooled->size() != kUsageCount)
    return bad("continuous model arrays have the wrong size");
  auto model = std::make_unique<LearnedModel>();
  for (std::size_t i = 0; i < kSlotCount; ++i) {
    const json& row = (*table)[i];
    if (!row.is_array() || row.size() != kUsageCount) return bad("slot row of the wrong size");
    for (std::size_t c = 0; c < kUsageCount; ++c)
      if (!sums_from_json(row[c], model->continuous.table()[i][c]))
        return bad("bad sums at slot " + std::to_string(i));
  }
  for (std::size_t c = 0; c < kUsageCount; ++c)
    if (!sums_from_json((*pooled)[c], model->continuous.pooled()[c])) return bad("bad pooled sums");
  const auto clusters = doc.find("clusters");
  if (clusters == doc.end() || !clusters->is_array() ||
      clusters->size() > EventClusters::kMaxClusters)
    return bad("no cluster array or too many clusters");
  for (const json& j : *clusters) {
    Cluster c;
    if (!cluster_from_json(j, c)) return bad("bad cluster");
    model->clusters.clusters().push_back(c);
  }
  if (const auto base = doc.find("base_load_w"); base != doc.end()) {
    if (!base->is_number() || !std::isfinite(base->get<double>())) return bad("bad base load");
    model->base_load.restore(base->get<double>());
  }
  return model;
}

}  // namespace meterd::nilm
