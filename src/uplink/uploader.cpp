// uplink/uploader.cpp: the store-and-forward loop (uploader.hpp).
#include "src/uplink/uploader.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "src/uplink/gzip.hpp"

namespace meterd::uplink {
namespace asio = boost::asio;

namespace {

std::int64_t ms_of(UtcTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// Writes `data` to `path` via a temporary file and rename (never a half file under the name).
bool write_file(const std::filesystem::path& path, const void* data, std::size_t n) {
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(n));
    if (!out.good()) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  return !ec;
}

// "chunks 4..6, events 17..19" for the log.
std::string describe(const std::vector<std::int64_t>& chunks,
                     const std::vector<std::int64_t>& events) {
  std::string out;
  if (!chunks.empty())
    out = "chunks " + std::to_string(chunks.front()) + ".." + std::to_string(chunks.back());
  if (!events.empty()) {
    out += out.empty() ? "" : ", ";
    out += "events " + std::to_string(events.front()) + ".." + std::to_string(events.back());
  }
  return out;
}

}  // namespace

Uploader::Uploader(asio::any_io_executor executor, HttpsClient& client, UploadQueue& queue,
                   const Clock& clock, UploaderOptions options, Uniform01 uniform,
                   GatewayFacts facts)
    : executor_(executor),
      client_(client),
      queue_(queue),
      clock_(clock),
      options_(std::move(options)),
      uniform_(std::move(uniform)),
      facts_(std::move(facts)),
      wake_(executor) {
  if (options_.batch_chunks == 0) options_.batch_chunks = 1;
  if (options_.batch_events == 0) options_.batch_events = 1;
  status_.enabled = true;
}

UplinkStatus Uploader::uplink_status() const {
  std::lock_guard lock(status_mutex_);
  UplinkStatus s = status_;
  return s;
}

void Uploader::stop() {
  stopping_ = true;
  wake_.cancel();
  client_.close();
}

asio::awaitable<void> Uploader::sleep(std::chrono::milliseconds d) {
  if (stopping_ || d <= std::chrono::milliseconds{0}) co_return;
  wake_.expires_after(d);
  boost::system::error_code ec;
  co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

void Uploader::note_error(const std::string& what) {
  std::lock_guard lock(status_mutex_);
  status_.last_error = what;
  status_.last_error_time = clock_.utc_now();
  status_.connected = client_.connected();
}

void Uploader::refresh_backlog(bool force) {
  const auto now = clock_.mono_now();
  // Counting the backlog scans the store's chunk table: at most every 10 s unless asked.
  if (!force && now - last_backlog_ < std::chrono::seconds(10)) return;
  last_backlog_ = now;
  auto b = queue_.backlog();
  if (!b) return;
  std::lock_guard lock(status_mutex_);
  status_.backlog_chunks = b->chunks;
  status_.backlog_bytes = b->bytes;
}

void Uploader::quarantine(const Batch& batch, const std::string& key, const std::string& what,
                          const std::vector<std::uint8_t>& body, const HttpResponse& answer) {
  std::string ids;
  for (const auto& c : batch.chunks) ids += (ids.empty() ? "" : ",") + std::to_string(c.id);
  std::string event_ids;
  for (const auto& e : batch.events)
    event_ids += (event_ids.empty() ? "" : ",") + std::to_string(e.id);
  spdlog::warn("uplink: server refused batch {} ({}) with HTTP {}: quarantined: {}", key, what,
               answer.status, answer.body.substr(0, 200));
  if (options_.quarantine_dir.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(options_.quarantine_dir, ec);
  const auto stem = options_.quarantine_dir / key;
  const std::string ext = options_.encoding == Encoding::cbor ? ".cbor" : ".json";
  const bool ok_body =
      write_file(stem.string() + ext + (options_.gzip ? ".gz" : ""), body.data(), body.size());
  const std::string info = nlohmann::json{
      {"time", ms_of(clock_.utc_now())},
      {"status", answer.status},
      {"answer", answer.body},
      {"chunks", ids},
      {"events", event_ids},
      {"content_type", content_type(options_.encoding)},
      {"gzip", options_.gzip}}.dump();
  const bool ok_info = write_file(stem.string() + ".txt", info.data(), info.size());
  if (!ok_body || !ok_info)
    spdlog::error("uplink: cannot keep quarantined batch {} in {}", key,
                  options_.quarantine_dir.string());
}

Result<Batch> Uploader::next_batch() {
  constexpr auto kAll = std::numeric_limits<std::int64_t>::max();
  auto chunks_first = queue_.position(kInflightFirst);
  auto chunks_last = queue_.position(kInflightLast);
  auto events_first = queue_.position(kInflightEventsFirst);
  auto events_last = queue_.position(kInflightEventsLast);
  for (const auto* p : {&chunks_first, &chunks_last, &events_first, &events_last})
    if (!*p) return p->error();
  Batch batch;
  batch.gateway = options_.gateway;
  if (*chunks_first > 0 || *events_first > 0) {  // a batch was in flight: exactly it again
    if (*chunks_first > 0) {
      auto c = queue_.pending(*chunks_first, *chunks_last, options_.batch_chunks);
      if (!c) return c.error();
      batch.chunks = std::move(*c);
    }
    if (*events_first > 0) {
      auto e = queue_.pending_events(*events_first, *events_last, options_.batch_events);
      if (!e) return e.error();
      batch.events = std::move(*e);
    }
    if (!batch.chunks.empty() || !batch.events.empty()) return batch;
    // It was acknowledged before its marks were cleared.
    if (auto r = clear_inflight(); !r) return r.error();
  }
  auto c = queue_.pending(0, kAll, options_.batch_chunks);
  if (!c) return c.error();
  auto e = queue_.pending_events(0, kAll, options_.batch_events);
  if (!e) return e.error();
  batch.chunks = std::move(*c);
  batch.events = std::move(*e);
  if (batch.chunks.empty() && batch.events.empty()) return batch;
  // Both ranges are recorded before the first attempt; the first ids last, as the marks.
  const std::int64_t cf = batch.chunks.empty() ? 0 : batch.chunks.front().id;
  const std::int64_t cl = batch.chunks.empty() ? 0 : batch.chunks.back().id;
  const std::int64_t ef = batch.events.empty() ? 0 : batch.events.front().id;
  const std::int64_t el = batch.events.empty() ? 0 : batch.events.back().id;
  for (const auto& [name, value] :
       {std::pair{kInflightLast, cl}, std::pair{kInflightEventsLast, el},
        std::pair{kInflightEventsFirst, ef}, std::pair{kInflightFirst, cf}}) {
    if (auto r = queue_.set_position(name, value); !r) return r.error();
  }
  return batch;
}

Result<void> Uploader::clear_inflight() {
  if (auto r = queue_.set_position(kInflightFirst, 0); !r) return r;
  return queue_.set_position(kInflightEventsFirst, 0);
}

asio::awaitable<Result<bool>> Uploader::upload_next() {
  auto next = next_batch();
  if (!next) co_return next.error();
  Batch batch = std::move(*next);
  if (batch.chunks.empty() && batch.events.empty()) co_return false;
  if (facts_.serials) batch.serials = facts_.serials();
  std::vector<std::string> hashes;
  const std::string key = idempotency_key(batch, &hashes);
  std::vector<std::uint8_t> body = encode_batch(batch, options_.encoding, key, hashes);
  HttpRequest req;
  req.content_type = std::string(content_type(options_.encoding));
  req.headers.emplace_back("Idempotency-Key", key);
  req.headers.emplace_back("X-Meterd-Gateway", options_.gateway);
  req.headers.emplace_back("X-Meterd-Schema", std::to_string(kSchemaVersion));
  if (options_.gzip) {
    auto gz = gzip_compress(body, options_.gzip_level);
    if (!gz) co_return gz.error();
    body = std::move(*gz);
    req.headers.emplace_back("Content-Encoding", "gzip");
  }
  req.body = body;
  std::vector<std::int64_t> ids;
  for (const auto& c : batch.chunks) ids.push_back(c.id);
  std::vector<std::int64_t> event_ids;
  for (const auto& e : batch.events) event_ids.push_back(e.id);
  const std::string what = describe(ids, event_ids);

  for (unsigned attempt = 0;; ++attempt) {
    if (stopping_) co_return Error(Errc::io_error, "uplink stopped");
    auto answer = co_await client_.post(req);
    std::optional<std::chrono::milliseconds> retry_after;
    std::string failure;
    if (answer) {
      switch (classify_status(answer->status)) {
        case Verdict::acknowledged: {
          if (auto r = queue_.acknowledge_batch(ids, event_ids); !r) co_return r.error();
          if (!ids.empty()) {
            if (auto r = queue_.set_position(kCursor, ids.back()); !r) co_return r.error();
          }
          if (auto r = clear_inflight(); !r) co_return r.error();
          std::lock_guard lock(status_mutex_);
          status_.connected = client_.connected();
          status_.last_success = clock_.utc_now();
          status_.batches_sent += 1;
          status_.readings_sent += reading_count(batch);
          co_return true;
        }
        case Verdict::quarantine: {
          quarantine(batch, key, what, body, *answer);
          if (auto r = queue_.acknowledge_batch(ids, event_ids); !r) co_return r.error();
          if (auto r = clear_inflight(); !r) co_return r.error();
          note_error("batch " + key + " quarantined: HTTP " + std::to_string(answer->status));
          std::lock_guard lock(status_mutex_);
          status_.quarantined += 1;
          co_return true;
        }
        case Verdict::retry:
          failure = "HTTP " + std::to_string(answer->status);
          if (!answer->retry_after.empty())
            retry_after = parse_retry_after(answer->retry_after, clock_.utc_now());
          break;
      }
    } else {
      failure = answer.error().message();
    }
    const auto delay = retry_delay(attempt, retry_after, options_.backoff, uniform_);
    if (attempt == 0 || attempt % 10 == 0 || failure != uplink_status().last_error) {
      spdlog::warn("uplink: batch {} ({}) not delivered: {}; attempt {}, next in {} ms",
                   key.substr(0, 12), what, failure, attempt + 1, delay.count());
    }
    note_error(failure);
    {
      std::lock_guard lock(status_mutex_);
      status_.retries += 1;
    }
    co_await sleep(delay);
  }
}

asio::awaitable<Result<unsigned>> Uploader::send_heartbeat() {
  refresh_backlog(true);
  const UplinkStatus s = uplink_status();
  nlohmann::json hb{{"schema", kSchemaVersion},
                    {"type", "heartbeat"},
                    {"gateway", options_.gateway},
                    {"time", ms_of(clock_.utc_now())},
                    {"backlog", {{"chunks", s.backlog_chunks}, {"bytes", s.backlog_bytes}}},
                    {"last_ack", s.last_success ? nlohmann::json(ms_of(*s.last_success))
                                                : nlohmann::json(nullptr)},
                    {"batches_sent", s.batches_sent},
                    {"retries", s.retries},
                    {"quarantined", s.quarantined}};
  std::optional<int> online;
  if (facts_.meters_online) online = facts_.meters_online();
  hb["meters_online"] = online ? nlohmann::json(*online) : nlohmann::json(nullptr);
  const std::string text = hb.dump();
  HttpRequest req;
  req.content_type = std::string(kHeartbeatContentType);
  req.headers.emplace_back("X-Meterd-Gateway", options_.gateway);
  req.body.assign(text.begin(), text.end());
  auto answer = co_await client_.post(req);
  if (!answer) {
    const std::string what = "heartbeat: " + answer.error().message();
    if (what != s.last_error) spdlog::warn("uplink: {}", what);
    note_error(what);
    co_return answer.error();
  }
  if (answer->status / 100 == 2) {
    std::lock_guard lock(status_mutex_);
    status_.last_success = clock_.utc_now();
    status_.connected = client_.connected();
  } else {
    note_error("heartbeat: HTTP " + std::to_string(answer->status));
  }
  co_return answer->status;
}

asio::awaitable<void> Uploader::run() {
  try {
    while (!stopping_) {
      const auto started = clock_.mono_now();
      if (options_.heartbeat_interval.count() > 0 &&
          (!heartbeat_sent_ || started - last_heartbeat_ >= options_.heartbeat_interval)) {
        heartbeat_sent_ = true;
        last_heartbeat_ = started;
        co_await send_heartbeat();
        if (stopping_) break;
      }
      auto r = co_await upload_next();
      refresh_backlog(!r || !*r);
      if (stopping_) break;
      if (!r) {
        spdlog::warn("uplink: {}", r.error().message());
        note_error(r.error().message());
        co_await sleep(options_.poll_interval);
      } else if (!*r) {
        co_await sleep(options_.poll_interval);
      } else {
        const auto spent =
            std::chrono::duration_cast<std::chrono::milliseconds>(clock_.mono_now() - started);
        co_await sleep(options_.min_interval - spent);
      }
    }
  } catch (const std::exception& e) {
    spdlog::error("uplink: stopped by an unexpected error: {}", e.what());
  }
  std::lock_guard lock(status_mutex_);
  status_.connected = false;
}

}  // namespace meterd::uplink
