/// Parsing of claimed_by, shared by the SOCI repository and the test fake.
#include "biosense/storage/claims.hpp"

#include <signal.h>

#include <cerrno>

namespace biosense {

std::optional<long> claim_pid(std::string_view claimed_by, std::string_view host) {
  if (host.empty() || claimed_by.size() <= host.size() + 1) return std::nullopt;
  if (claimed_by.substr(0, host.size()) != host || claimed_by[host.size()] != ':') return std::nullopt;
  constexpr long kMaxPid = 1L << 30;  // far above any pid_max; guards the arithmetic
  long pid = 0;
  std::size_t i = host.size() + 1;
  const std::size_t first_digit = i;
  for (; i < claimed_by.size() && claimed_by[i] >= '0' && claimed_by[i] <= '9'; ++i) {
    pid = pid * 10 + (claimed_by[i] - '0');
    if (pid > kMaxPid) return std::nullopt;
  }
  if (i == first_digit || pid <= 0) return std::nullopt;
  return pid;
}

bool process_alive(long pid) { return kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM; }

}  // namespace biosense
