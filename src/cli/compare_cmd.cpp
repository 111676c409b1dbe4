/// `biosense compare KNOWN UNKNOWN`: face_recognition's batch mode.
#include <unistd.h>

#include <atomic>
#include <iostream>
#include <mutex>

#include <fmt/format.h>

#include "biosense/cli/commands.hpp"
#include "biosense/cli/exit_code.hpp"
#include "biosense/compare/compare.hpp"
#include "biosense/engine/dlib_engine.hpp"
#include "biosense/engine/engine_pool.hpp"
#include "biosense/util/parallel.hpp"
#include "calibration_choice.hpp"
#include "engine_models.hpp"

namespace biosense {
namespace {

AnalysisResult analyze_file(DlibEngine& engine, const std::filesystem::path& file) {
  auto bytes = read_image_file(file, engine.options().limits.max_bytes);
  if (auto* invalid = std::get_if<InvalidImage>(&bytes)) return *invalid;
  return engine.analyze(std::get<Bytes>(bytes));
}

std::vector<KnownFace> load_known(EnginePool& pool, const std::vector<std::filesystem::path>& files, Logger& log) {
  std::vector<AnalysisResult> analyses(files.size());
  parallel_for(files.size(), pool.size(), pool.lender(),
               [&](DlibEngine* engine, std::size_t i) { analyses[i] = analyze_file(*engine, files[i]); });
  std::vector<KnownFace> known;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string file = files[i].string();
    if (const auto* invalid = std::get_if<InvalidImage>(&analyses[i])) {
      log.warn(fmt::format("cannot read known photo {}: {}. Ignoring file.", file, invalid->reason));
      continue;
    }
    const auto& faces = std::get<FaceAnalysis>(analyses[i]).faces;
    if (faces.empty()) {
      log.warn(fmt::format("No faces found in {}. Ignoring file.", file));
      continue;
    }
    if (faces.size() > 1)
      log.warn(fmt::format("More than one face found in {}. Only considering the first face.", file));
    known.push_back(KnownFace{known_name(files[i]), files[i], faces.front().encoding, faces.front().mirror_gap});
  }
  return known;
}

}  // namespace

int run_compare(const CommandContext& ctx, const CompareOptions& options) {
  const auto known_files = list_images(options.known);
  const auto unknown_files = list_images(options.unknown);
  const int threads = resolve_threads(options.cpus);
  limit_blas_threads();

  // face_recognition's detection (one HOG look) unless --detector says otherwise.
  const DetectionOptions detection{options.detector, options.upsample, Detector::Hog, -1, 1, options.mirror};
  EngineOptions engine_options;
  detection.apply_to(engine_options);
  EnginePool pool(cli::load_models_for(ctx, detection, engine_options), engine_options, threads);
  const auto calibration = cli::load_calibration_for(ctx, options.mirror);

  // Like the face_recognition CLI: known photos at full size, unknown ones
  // shrunk to at most 1600 px before detection.
  EngineOptions full_size = engine_options;
  full_size.max_dimension = 0;
  pool.set_options(full_size);
  const std::vector<KnownFace> known = load_known(pool, known_files, ctx.log);
  pool.set_options(engine_options);
  if (known.empty()) ctx.log.warn("no usable known faces: every face will be unknown_person");

  // Results are printed in input order as soon as every earlier one is done.
  const auto writer = make_compare_writer(options.format, ctx.out, known, options.show_distance);
  const bool progress = isatty(STDERR_FILENO) == 1;
  std::vector<std::optional<PhotoResult>> results(unknown_files.size());
  std::size_t next_to_print = 0;
  std::mutex print_mutex;  // guards results, next_to_print and the writer
  parallel_for(unknown_files.size(), pool.size(), pool.lender(), [&](DlibEngine* engine, std::size_t i) {
    PhotoResult result =
        judge_photo(unknown_files[i], analyze_file(*engine, unknown_files[i]), known, options.tolerance, *calibration);
    std::lock_guard<std::mutex> lock(print_mutex);
    results[i] = std::move(result);
    while (next_to_print < results.size() && results[next_to_print]) {
      writer->write(*results[next_to_print]);
      results[next_to_print].reset();
      ++next_to_print;
    }
    if (progress) std::cerr << fmt::format("\r{}/{} photos", next_to_print, results.size()) << std::flush;
  });
  if (progress) std::cerr << '\n';
  return to_int(ExitCode::Ok);
}

}  // namespace biosense
