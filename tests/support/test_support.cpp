#include "support/test_support.hpp"

#include <dlib/image_io.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

namespace biosense::test {

std::filesystem::path data_dir() {
  if (const char* env = std::getenv("BIOSENSE_TEST_DATA"); env != nullptr && *env != '\0') return env;
  return std::filesystem::path(BIOSENSE_SOURCE_DIR) / ".." / "shared" / "datasets";
}

std::filesystem::path data_file(const std::string& relative) {
  const auto path = data_dir() / relative;
  INFO("test photo " << path << " (set BIOSENSE_TEST_DATA to the datasets folder)");
  REQUIRE(std::filesystem::exists(path));
  return path;
}

Bytes read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  REQUIRE(in);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_bytes(const std::filesystem::path& file, const Bytes& bytes) {
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() / ("biosense-test-" + std::to_string(rd()) + std::to_string(getpid()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

namespace {

std::string slurp_fd(int fd) {
  std::string s;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) s.append(buf, static_cast<std::size_t>(n));
  return s;
}

}  // namespace

namespace {

/// Forks and execs the biosense binary with stdout/stderr appended to files.
pid_t start_biosense(const std::vector<std::string>& args, const std::vector<std::string>& env,
                     const std::filesystem::path& out_path, const std::filesystem::path& err_path) {
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    std::vector<std::string> copy = env;  // putenv keeps the pointer: own the strings
    for (auto& e : copy) putenv(e.data());
    std::string binary = BIOSENSE_BINARY;
    std::vector<std::string> words = args;
    std::vector<char*> argv{binary.data()};
    for (auto& a : words) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

std::string slurp_file(const std::filesystem::path& file) {
  const int fd = open(file.c_str(), O_RDONLY);
  if (fd < 0) return {};
  std::string s = slurp_fd(fd);
  close(fd);
  return s;
}

}  // namespace

ProcessResult run_biosense(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  TempDir tmp;
  ProcessResult result;
  result.exit_code = wait_biosense(start_biosense(args, env, tmp / "out", tmp / "err"));
  result.out = slurp_file(tmp / "out");
  result.err = slurp_file(tmp / "err");
  return result;
}

int spawn_biosense(const std::vector<std::string>& args, const std::filesystem::path& dir) {
  return start_biosense(args, {}, dir / "spawn.out", dir / "spawn.err");
}

int wait_biosense(int pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

Bytes flat_png(long width, long height, unsigned char r, unsigned char g, unsigned char b) {
  TempDir tmp;
  dlib::matrix<dlib::rgb_pixel> img(height, width);
  img = dlib::rgb_pixel(r, g, b);
  const auto file = tmp / "flat.png";
  dlib::save_png(img, file.string());
  return read_bytes(file);
}

}  // namespace biosense::test
