/// Command-line parsing as a pure function: words in, an Invocation out.
#include <catch2/catch.hpp>

#include "biosense/cli/invocation.hpp"

using namespace biosense;

namespace {

ParseOutcome parse(std::vector<std::string> words) { return parse_command_line(words); }

const CompareOptions& compare_of(const ParseOutcome& p) {
  REQUIRE(p.invocation);
  REQUIRE(std::holds_alternative<CompareOptions>(p.invocation->command));
  return std::get<CompareOptions>(p.invocation->command);
}

}  // namespace

TEST_CASE("compare takes face_recognition's defaults", "[cli]") {
  const auto p = parse({"compare", "known", "unknown"});
  const auto& o = compare_of(p);
  CHECK(o.known == "known");
  CHECK(o.unknown == "unknown");
  CHECK(o.tolerance == 0.6);
  CHECK(o.cpus == 1);
  CHECK_FALSE(o.show_distance);
  CHECK(o.format == CompareFormat::Text);
  CHECK(o.upsample == 1);
  CHECK(p.invocation->global.log_format == LogFormat::Text);
}

TEST_CASE("compare options and global options parse", "[cli]") {
  const auto p = parse({"--log-format", "json", "-v", "--models-dir", "/m", "compare", "--tolerance", "0.5", "--cpus",
                        "-1", "--show-distance", "--format", "json", "--upsample", "2", "k", "u"});
  const auto& o = compare_of(p);
  CHECK(o.tolerance == 0.5);
  CHECK(o.cpus == -1);
  CHECK(o.show_distance);
  CHECK(o.format == CompareFormat::Json);
  CHECK(o.upsample == 2);
  CHECK(p.invocation->global.log_format == LogFormat::Json);
  CHECK(p.invocation->global.verbosity == 1);
  CHECK(p.invocation->global.models_dir == "/m");
}

TEST_CASE("usage errors exit 1 with a message, help exits 0", "[cli]") {
  for (const std::vector<std::string>& words :
       std::vector<std::vector<std::string>>{{},
                                             {"compare", "only-one"},
                                             {"compare", "k", "u", "--tolerance", "abc"},
                                             {"compare", "k", "u", "--tolerance", "5"},
                                             {"compare", "k", "u", "--format", "xml"},
                                             {"frobnicate"},
                                             {"models"},
                                             {"--log-format", "yaml", "models", "check"}}) {
    const auto p = parse(words);
    INFO(Catch::StringMaker<std::vector<std::string>>::convert(words));
    CHECK_FALSE(p.invocation);
    CHECK(p.exit_code == 1);
    CHECK_FALSE(p.message.empty());
  }
  const auto help = parse({"--help"});
  CHECK_FALSE(help.invocation);
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.message, Catch::Contains("compare"));
}

TEST_CASE("models check parses", "[cli]") {
  const auto p = parse({"models", "check"});
  REQUIRE(p.invocation);
  CHECK(std::holds_alternative<ModelsCheckOptions>(p.invocation->command));
}
