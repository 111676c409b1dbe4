#include "biosense/util/host_identity.hpp"

#include <unistd.h>

#include <array>
#include <cctype>
#include <fstream>

namespace biosense {
namespace {

std::string read_first_line(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string read_link(const char* path) {
  std::array<char, 128> buf{};
  const ssize_t n = readlink(path, buf.data(), buf.size() - 1);
  return n > 0 ? std::string(buf.data(), static_cast<std::size_t>(n)) : std::string();
}

}  // namespace

std::string claim_host(std::string_view hostname, std::string_view boot_id, std::string_view pid_namespace) {
  std::string id(hostname.empty() ? std::string_view("localhost") : hostname);
  std::string boot;
  for (char c : boot_id) {
    if (boot.size() == 8) break;
    if (std::isxdigit(static_cast<unsigned char>(c)) != 0) boot += c;
  }
  std::string ns;
  for (char c : pid_namespace)
    if (std::isdigit(static_cast<unsigned char>(c)) != 0) ns += c;
  if (!boot.empty() || !ns.empty()) id += "@" + boot;
  if (!ns.empty()) id += "." + ns;
  return id;
}

std::string claim_host() {
  std::array<char, 256> name{};
  const bool named = gethostname(name.data(), name.size() - 1) == 0;
  return claim_host(named ? std::string_view(name.data()) : std::string_view(),
                    read_first_line("/proc/sys/kernel/random/boot_id"), read_link("/proc/self/ns/pid"));
}

}  // namespace biosense
