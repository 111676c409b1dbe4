#pragma once
/// Who holds a claim (claimed_by = "<claim host>:<pid>"): the host name, the
/// machine's boot and the PID namespace. A pass frees the claims of dead
/// processes it finds under its own claim host (storage/claims.hpp), so a pid
/// must mean the same process to every worker that shares one: two containers
/// with one host name (`--network host`) or two machines of one name used to
/// share "host" and took each other's live claims back.
#include <string>
#include <string_view>

namespace biosense {

/// "<hostname>@<first 8 hex digits of the boot id>.<pid namespace inode>",
/// from gethostname(), /proc/sys/kernel/random/boot_id and /proc/self/ns/pid;
/// a part that cannot be read is left out ("vm@3be858fb", "vm@.4026531836",
/// "vm").
std::string claim_host();

/// The same from its parts: `pid_namespace` as readlink(/proc/self/ns/pid)
/// gives it ("pid:[4026531836]"); empty parts are left out.
std::string claim_host(std::string_view hostname, std::string_view boot_id, std::string_view pid_namespace);

}  // namespace biosense
