#pragma once
/// Shared test helpers: where the real photos are, temp folders, running the binary.
#include <filesystem>
#include <string>
#include <vector>

#include "biosense/engine/image.hpp"

namespace biosense::test {

/// $BIOSENSE_TEST_DATA if set and non-empty, else <source>/../shared/datasets.
std::filesystem::path data_dir();
/// data_dir() / relative; fails the test (REQUIRE) when the file is missing.
std::filesystem::path data_file(const std::string& relative);
/// The whole file as bytes.
Bytes read_bytes(const std::filesystem::path& file);
/// Writes bytes to a file.
void write_bytes(const std::filesystem::path& file, const Bytes& bytes);

/// A fresh folder under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs the built biosense binary with `args` (no shell), capturing output.
/// `env` entries ("NAME=value") are added to the environment.
ProcessResult run_biosense(const std::vector<std::string>& args, const std::vector<std::string>& env = {});

/// Starts the biosense binary in the background (output to files in `dir`);
/// returns its pid. Pair with wait_biosense().
int spawn_biosense(const std::vector<std::string>& args, const std::filesystem::path& dir);
/// Waits for a spawned process; returns its exit code, or 128 + signal.
int wait_biosense(int pid);

/// A solid-colour JPEG/PNG of the given size, made in memory (no-face input).
Bytes flat_png(long width, long height, unsigned char r, unsigned char g, unsigned char b);

}  // namespace biosense::test
