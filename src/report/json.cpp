/// The JSON object (render.hpp), written with nlohmann::ordered_json so keys
/// keep the documented order. Invalid UTF-8 in a lan_id becomes U+FFFD.
#include <ostream>

#include <nlohmann/json.hpp>

#include "biosense/report/render.hpp"

namespace biosense::report {
namespace {

using Json = nlohmann::ordered_json;

template <class T>
Json optional(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

Json non_success(const NonSuccessList& list) {
  Json rows = Json::array();
  for (const auto& r : list.rows)
    rows.push_back({{"id", r.id},
                    {"lan_id", r.lan_id},
                    {"capture_time", r.capture_time},
                    {"processed_time", optional(r.processed_time)},
                    {"result", r.result},
                    {"num_faces", optional(r.num_faces)},
                    {"accuracy", optional(r.accuracy)},
                    {"distance", optional(r.distance)},
                    {"closest_lan_id", optional(r.closest_lan_id)},
                    {"closest_distance", optional(r.closest_distance)}});
  return {{"total", list.total}, {"rows", rows}};
}

Json agents(const std::vector<AgentRate>& agents) {
  Json rows = Json::array();
  for (const auto& a : agents)
    rows.push_back({{"lan_id", a.lan_id},
                    {"snapshots", a.snapshots},
                    {"decided", a.decided},
                    {"verified", a.verified},
                    {"success_rate", optional(success_rate(a))},
                    {"last_seen", a.last_seen}});
  return rows;
}

Json throughput(const Report& r) {
  const Throughput& t = r.throughput;
  Json per_hour = Json::array();
  for (const auto& h : r.processed) per_hour.push_back({{"hour", h.hour}, {"n", h.n}});
  return {{"processed", t.processed},
          {"per_hour", t.per_hour},
          {"peak_hour", t.peak ? Json(t.peak->hour) : Json(nullptr)},
          {"peak_processed", t.peak ? Json(t.peak->n) : Json(nullptr)},
          {"pending_now", t.pending_now},
          {"oldest_pending", optional(t.oldest_pending)},
          {"oldest_pending_age_seconds", t.oldest_pending_age_seconds},
          {"processed_per_hour", per_hour}};
}

Json alerts(const std::vector<AlertRecord>& alerts) {
  Json rows = Json::array();
  for (const auto& a : alerts)
    rows.push_back({{"id", a.id},
                    {"lan_id", a.lan_id},
                    {"kind", std::string(alert_kind_name(a.kind))},
                    {"window_start", a.window_start},
                    {"window_end", a.window_end},
                    {"runs", a.runs},
                    {"evidence_ids", a.evidence_ids},
                    {"detail", a.detail},
                    {"created_at", a.created_at}});
  return rows;
}

}  // namespace

void render_json(const Report& r, std::ostream& out) {
  Json doc;
  doc["window"] = {{"since", r.filter.since},
                   {"until", r.filter.until},
                   {"lan_id", optional(r.filter.lan_id)},
                   {"generated_at", r.generated_at}};
  Json hourly = Json::array();
  for (const auto& h : r.hourly)
    hourly.push_back({{"hour", h.hour}, {"lan_id", h.lan_id}, {"result", optional(h.result)}, {"n", h.n}});
  doc["hourly"] = hourly;
  doc["non_success"] = non_success(r.non_success);
  doc["agents"] = agents(r.agents);
  doc["throughput"] = throughput(r);
  Json bins = Json::array();
  for (std::size_t i = 0; i < r.confidence.size(); ++i)
    bins.push_back({{"from", i * 10}, {"to", i * 10 + 10}, {"n", r.confidence[i]}});
  doc["confidence"] = bins;
  Json backlog = Json::array();
  for (const auto& p : r.backlog) backlog.push_back({{"time", p.time}, {"pending", p.pending}});
  doc["backlog"] = backlog;
  doc["alerts"] = alerts(r.alerts);
  out << doc.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace biosense::report
