/// bench_gallery: what the gallery check costs (docs/performance.md, "The
/// gallery check"). Not a test.
///
///   bench_gallery compare [--agents 10,1000,10000]
///       the comparison per snapshot: Gallery::closest_other() over that many
///       random unit encodings, against a plain loop of face_distance();
///   bench_gallery load --db URL --agents N [--photo-kb K]
///       fills an empty, migrated database (`biosense db migrate`) with N
///       approved benchmarks (enrolment photos of K KB of noise: a webcam
///       JPEG is 20-60 KB) and their cached encodings through the
///       Repository, then times Repository::load_gallery() and the whole
///       GalleryCache load (the read plus building the matrix).
///
/// bench/gallery.sh runs both at 10, 1,000 and 10,000 agents on SQLite files
/// (and on MariaDB with --mariadb).
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <random>

#include "biosense/engine/models.hpp"
#include "biosense/pass/gallery.hpp"
#include "biosense/pass/gallery_cache.hpp"
#include "biosense/storage/repository.hpp"
#include "support/random_encoding.hpp"

using namespace biosense;
using biosense::test::random_unit_encoding;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

/// Microseconds per snapshot of closest_other() and of a plain double loop.
void bench_compare(const std::vector<std::size_t>& sizes) {
  std::mt19937 rng(4);
  fmt::print("| agents | closest_other, us per snapshot | plain face_distance loop, us | matrix MB |\n");
  fmt::print("|---:|---:|---:|---:|\n");
  for (std::size_t n : sizes) {
    std::vector<GalleryEntry> entries;
    for (std::size_t i = 0; i < n; ++i)
      entries.push_back({fmt::format("NA\\agent{}", i), static_cast<std::int64_t>(i + 1), random_unit_encoding(rng)});
    const Gallery gallery(kModelVersion, entries);
    std::vector<Encoding> probes;
    for (int i = 0; i < 64; ++i) probes.push_back(random_unit_encoding(rng));
    // Enough calls for each timing to last about 0.2 s; median of 7.
    const std::size_t calls = std::max<std::size_t>(64, 2'000'000 / std::max<std::size_t>(n, 1));
    std::vector<double> matrix_us, plain_us;
    double sink = 0.0;
    for (int rep = 0; rep < 7; ++rep) {
      auto start = Clock::now();
      for (std::size_t c = 0; c < calls; ++c)
        if (const auto m = gallery.closest_other(probes[c % probes.size()], "NA\\agent0", 1)) sink += m->distance;
      matrix_us.push_back(seconds_since(start) * 1e6 / static_cast<double>(calls));
      start = Clock::now();
      for (std::size_t c = 0; c < calls; ++c) {
        double best = 1e9;
        for (const auto& e : entries)
          if (e.lan_id != "NA\\agent0") best = std::min(best, face_distance(probes[c % probes.size()], e.encoding));
        sink += best;
      }
      plain_us.push_back(seconds_since(start) * 1e6 / static_cast<double>(calls));
    }
    fmt::print("| {} | {:.2f} | {:.2f} | {:.2f} |\n", n, median(matrix_us), median(plain_us),
               static_cast<double>(n * kEncodingSize * sizeof(float)) / 1e6);
    if (sink < 0) std::cerr << sink;  // keeps the loops
  }
}

/// Approved benchmarks with cached encodings, as `run --mode train` leaves them.
void fill(Repository& repo, std::size_t agents, std::size_t photo_kb, const std::string& version) {
  std::mt19937 rng(7);
  const auto start = Clock::now();
  const std::string worker = "bench_gallery:1";
  Bytes photo(std::max<std::size_t>(2, photo_kb * 1024));
  std::int64_t last = 0;
  for (std::size_t i = 0; i < agents; ++i) {
    for (auto& b : photo) b = static_cast<std::uint8_t>(rng());
    last = repo.insert_image(ImageKind::Train, fmt::format("NA\\agent{:05}", i), photo, "");
  }
  for (;;) {
    const auto rows = repo.claim(ImageKind::Train, 1000, last, worker);
    if (rows.empty()) break;
    std::vector<Decision> decisions;
    for (const auto& row : rows) {
      Decision d;
      d.kind = ImageKind::Train;
      d.id = row.id;
      d.lan_id = row.lan_id;
      d.result = ResultCode::Success;
      d.num_faces = 1;
      d.model_version = version;
      d.encoding = StoredEncoding{row.id, version, random_unit_encoding(rng), FaceBox{0, 0, 149, 149}, 50.0, 0.3};
      decisions.push_back(std::move(d));
    }
    repo.commit_decisions(decisions, worker);
  }
  std::cerr << fmt::format("filled {} approved benchmarks ({} KB photos) in {:.1f}s\n", agents, photo_kb,
                           seconds_since(start));
}

void bench_load(const std::string& url, std::size_t agents, std::size_t photo_kb) {
  const std::string version = kModelVersion;
  auto repo = open_repository(url);
  const std::size_t present = repo->load_gallery(version).size();
  if (present == 0)
    fill(*repo, agents, photo_kb, version);
  else if (present != agents)
    throw std::runtime_error(
        fmt::format("{} holds {} benchmarks, not {}: use an empty database", url, present, agents));
  std::vector<double> read_ms, cache_ms;
  for (int rep = 0; rep < 7; ++rep) {
    auto fresh = open_repository(url);  // a new connection, as a new pass or consumer has
    auto start = Clock::now();
    const auto entries = fresh->load_gallery(version);
    read_ms.push_back(seconds_since(start) * 1e3);
    if (entries.size() != agents) throw std::runtime_error("the gallery lost rows");
    GalleryCache cache(std::chrono::seconds(0));
    start = Clock::now();
    cache.current(*fresh, version);
    cache_ms.push_back(seconds_since(start) * 1e3);
  }
  fmt::print("| {} | {:.1f} | {:.1f} |\n", agents, median(read_ms), median(cache_ms));
}

std::vector<std::size_t> parse_sizes(const std::string& text) {
  std::vector<std::size_t> sizes;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    sizes.push_back(static_cast<std::size_t>(std::stoul(text.substr(start, comma - start))));
    start = comma + 1;
  }
  return sizes;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_gallery: the gallery check's comparison and load times"};
  app.require_subcommand(1);
  std::string sizes = "10,1000,10000", url;
  std::size_t agents = 0, photo_kb = 0;
  auto* compare = app.add_subcommand("compare", "Time the comparison of one snapshot with the gallery");
  compare->add_option("--agents", sizes, "Gallery sizes, comma-separated")->capture_default_str();
  auto* load = app.add_subcommand("load", "Time the gallery load from a database");
  load->add_option("--db", url, "An empty migrated database (filled on first use)")->required();
  load->add_option("--agents", agents, "Benchmarks to fill it with")->required();
  load->add_option("--photo-kb", photo_kb, "Size of each enrolment photo (noise)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    if (*compare) bench_compare(parse_sizes(sizes));
    if (*load) bench_load(url, agents, photo_kb);
  } catch (const std::exception& e) {
    std::cerr << "bench_gallery: " << e.what() << '\n';
    return 2;
  }
  return 0;
}
