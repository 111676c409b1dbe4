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

ProcessResult run_biosense(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  TempDir tmp;
  const auto out_path = tmp / "out", err_path = tmp / "err";
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> argv;
    std::string binary = BIOSENSE_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ProcessResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  const int out = open(out_path.c_str(), O_RDONLY), err = open(err_path.c_str(), O_RDONLY);
  result.out = slurp_fd(out);
  result.err = slurp_fd(err);
  close(out);
  close(err);
  return result;
}

int spawn_biosense(const std::vector<std::string>& args, const std::filesystem::path& dir) {
  const auto out_path = dir / "spawn.out", err_path = dir / "spawn.err";
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    std::vector<std::string> copy = args;
    std::string binary = BIOSENSE_BINARY;
    std::vector<char*> argv{binary.data()};
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  return pid;
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
