// src/nilm/model_codec.hpp: the learned model of the engine as JSON text, and back.
//
// Format "meterd-nilm-model" version kModelFormatVersion: the continuous model's running sums
// per (slot, category) and pooled, the appliance clusters (signature, votes, durations), and
// the residual's base load of the priors ("base_load_w", absent until known).
// Doubles are written in shortest round-trip form, so a decoded model is bit-identical to the
// encoded one (a restarted engine behaves like one that never stopped). Decoding checks every array
// size and number and returns Errc::parse_error with what was wrong. Pure functions, thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "meterd/error.hpp"
#include "src/nilm/continuous_model.hpp"
#include "src/nilm/event_clusters.hpp"
#include "src/nilm/signature_priors.hpp"

namespace meterd::nilm {

inline constexpr int kModelFormatVersion = 1;

// Everything the engine learns.
struct LearnedModel {
  ContinuousModel continuous;
  EventClusters clusters;
  BaseLoadTracker base_load;  // of the residual, for the priors of unlearned categories
};

// The model as JSON text.
std::string encode_model(const LearnedModel& model);

// The model of `text`; Errc::parse_error (another format or version, malformed JSON, a wrong
// size or a non-finite number) otherwise.
Result<std::unique_ptr<LearnedModel>> decode_model(std::string_view text);

}  // namespace meterd::nilm
