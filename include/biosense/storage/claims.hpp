#pragma once
/// How a claim names its owner. Workers claim rows as "<host>:<pid>",
/// optionally followed by a suffix that does not start with a digit
/// (":thread-2", "/3"), so reclaim_stale can tell a claim held by a dead
/// process on this host from one held elsewhere.
#include <optional>
#include <string_view>

namespace biosense {

/// The pid of a claim held by a process on `host`; nullopt when `claimed_by`
/// belongs to another host or does not have the "<host>:<pid>" shape.
std::optional<long> claim_pid(std::string_view claimed_by, std::string_view host);

/// Whether a process of this host is alive: signal 0 reaches it (EPERM:
/// alive, not ours). The `is_alive` that callers hand to reclaim_stale.
bool process_alive(long pid);

}  // namespace biosense
