/// The shipped crontab: valid fields, guarded by flock, running one pass.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

TEST_CASE("the crontab runs one flock-guarded pass a minute", "[cron]") {
  std::ifstream in(std::filesystem::path(BIOSENSE_SOURCE_DIR) / "cron" / "biosense");
  REQUIRE(in);
  std::string line, job;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#' && line.find('=') == std::string::npos &&
        line.find(" run ") != std::string::npos)
      job = line;
  std::istringstream fields(job);
  std::string minute, hour, day, month, weekday, user;
  fields >> minute >> hour >> day >> month >> weekday >> user;
  CHECK(minute == "*");
  CHECK(hour == "*");
  CHECK(user == "biosense");
  CHECK_THAT(job, Catch::Contains("flock -n"));
  CHECK_THAT(job, Catch::Contains("biosense --log-format json run --mode all --once"));
}

TEST_CASE("the crontab runs one flock-guarded watch every 10 minutes", "[cron][watch]") {
  std::ifstream in(std::filesystem::path(BIOSENSE_SOURCE_DIR) / "cron" / "biosense");
  REQUIRE(in);
  std::string line, job;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#' && line.find(" watch ") != std::string::npos) job = line;
  std::istringstream fields(job);
  std::string minute, hour, day, month, weekday, user;
  fields >> minute >> hour >> day >> month >> weekday >> user;
  CHECK(minute == "*/10");
  CHECK(hour == "*");
  CHECK(user == "biosense");
  CHECK_THAT(job, Catch::Contains("flock -n /var/lib/biosense/watch.lock"));
  CHECK_THAT(job, Catch::Contains("biosense --log-format json watch --window 10m --once"));
}
