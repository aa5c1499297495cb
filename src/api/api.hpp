// api/api.hpp: the REST API's request handling, independent of the transport (server.hpp).
//
// Routes a decoded request to its endpoint (docs/api.md, docs/openapi.yaml), enforces the
// token scope (read: everything; admin: also the bulk exports; the page, its assets and
// /api/v1/health are public) and turns every failure into a JSON error. Never throws.
// Thread contract: handle() may run on any thread, concurrently (its only state is the
// thread-safe SeriesCache and LatestEndpoint); the data sources must outlive the Api.
#pragma once

#include <string>

#include "meterd/clock.hpp"
#include "meterd/data_sources.hpp"
#include "src/api/api_options.hpp"
#include "src/api/http_types.hpp"
#include "src/api/latest_endpoint.hpp"
#include "src/api/series_cache.hpp"

namespace meterd::api {

class Api {
 public:
  Api(const ApiOptions& options, const Clock& clock, DataSources sources, std::string version);

  // Whether handling `request` may block on I/O (store reads): the server runs those off the
  // event loop.
  bool blocking(const HttpRequest& request) const;
  // The response to `request` (status, content type, body). Never throws.
  HttpResponse handle(const HttpRequest& request) const;

 private:
  HttpResponse route(const HttpRequest& request) const;
  HttpResponse health() const;
  HttpResponse ready() const;
  HttpResponse meters() const;
  HttpResponse meter(const MeterEntry& m) const;
  HttpResponse series(const MeterEntry& m, const HttpRequest& request) const;
  HttpResponse events(const HttpRequest& request) const;
  HttpResponse usages(const HttpRequest& request) const;
  HttpResponse storage() const;
  HttpResponse uplink() const;
  HttpResponse export_data(const HttpRequest& request, bool xlsx) const;
  HttpResponse metrics() const;

  ApiOptions options_;
  const Clock& clock_;
  DataSources sources_;
  std::string version_;
  UtcTime started_;
  mutable SeriesCache series_cache_;
  LatestEndpoint latest_endpoint_;
};

}  // namespace meterd::api
