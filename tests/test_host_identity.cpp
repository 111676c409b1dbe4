/// The claim host: one per host name, boot and PID namespace, so a pass only
/// asks "is that pid alive" about its own namespace's processes.
#include <catch2/catch.hpp>

#include <unistd.h>

#include "biosense/storage/claims.hpp"
#include "biosense/util/host_identity.hpp"

using namespace biosense;

TEST_CASE("the claim host names the host, its boot and its PID namespace", "[claims]") {
  CHECK(claim_host("vm", "3be858fb-09c8-4f95-a73b-a46485c1e260\n", "pid:[4026531836]") == "vm@3be858fb.4026531836");
  CHECK(claim_host("vm", "3be858fb-09c8", "") == "vm@3be858fb");
  CHECK(claim_host("vm", "", "pid:[4026532299]") == "vm@.4026532299");
  CHECK(claim_host("vm", "", "") == "vm");
  CHECK(claim_host("", "", "") == "localhost");

  const std::string here = claim_host();
  CHECK(here == claim_host());  // stable within a process
  char name[256] = {};
  REQUIRE(gethostname(name, sizeof name - 1) == 0);
  CHECK(here.rfind(std::string(name) + "@", 0) == 0);
  CHECK(here.find(':') == std::string::npos);  // claimed_by's separator stays unambiguous
}

TEST_CASE("a claim made in another PID namespace or boot of the same host name is not this worker's to free",
          "[claims]") {
  const std::string host = claim_host("agent-box", "3be858fb", "pid:[4026531836]");
  const std::string container = claim_host("agent-box", "3be858fb", "pid:[4026532299]");  // --network host
  const std::string twin = claim_host("agent-box", "aa11bb22", "pid:[4026531836]");       // another machine
  CHECK(claim_pid(host + ":4242", host) == 4242L);
  CHECK(claim_pid(host + ":4242/c2", host) == 4242L);
  CHECK_FALSE(claim_pid(container + ":4242", host).has_value());
  CHECK_FALSE(claim_pid(host + ":4242", container).has_value());
  CHECK_FALSE(claim_pid(twin + ":4242", host).has_value());
  CHECK_FALSE(claim_pid("agent-box:4242", host).has_value());  // a claim of an older build: left to its lease
}
