#include "support/report_seed.hpp"

#include <fcntl.h>
#include <soci/soci.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <vector>

#include "storage/connection.hpp"

namespace biosense::test {

void insert_seed_row(storage::Connection& conn, const SeedRow& r) {
  const std::string result = r.result.value_or(""), processed = r.processed_time.value_or("");
  const int faces = r.num_faces.value_or(0);
  const double accuracy = r.accuracy.value_or(0);
  soci::indicator result_ind = r.result ? soci::i_ok : soci::i_null;
  soci::indicator processed_ind = r.processed_time ? soci::i_ok : soci::i_null;
  soci::indicator faces_ind = r.num_faces ? soci::i_ok : soci::i_null;
  soci::indicator accuracy_ind = r.accuracy ? soci::i_ok : soci::i_null;
  conn.sql() << "INSERT INTO stream_img (lan_id, capture_time, status, result, processed_time, num_faces, accuracy)"
                " VALUES (:lan_id, :capture_time, :status, :result, :processed_time, :num_faces, :accuracy)",
      soci::use(r.lan_id), soci::use(r.capture_time), soci::use(r.status), soci::use(result, result_ind),
      soci::use(processed, processed_ind), soci::use(faces, faces_ind), soci::use(accuracy, accuracy_ind);
}

void seed_report_rows(storage::Connection& conn) {
  const std::vector<SeedRow> rows = {
      // In the window. Agent A: three verified, one unknown, one without a face.
      {kAgentA, "2024-03-01 09:10:00", "Y", "SUCCESS", "2024-03-01 09:20:00", 1, 97.5},                 // 1
      {kAgentA, "2024-03-01 09:40:00", "Y", "SUCCESS", "2024-03-01 10:05:00", 1, 91.0},                 // 2
      {kAgentA, "2024-03-01 10:15:00", "Y", "UNKNOWN_PERSON", "2024-03-01 10:20:00", 1, 12.0},          // 3
      {kAgentA, "2024-03-01 10:30:00", "Y", "NO_FACES_FOUND", "2024-03-01 10:31:00", 0, std::nullopt},  // 4
      {kAgentA, "2024-03-01 10:50:00", "Y", "SUCCESS_MULTIPLE_FACES", "2024-03-01 11:00:00", 2, 88.0},  // 5
      // Agent B: no benchmark, then two rows still waiting (N, and P: claimed).
      {kAgentB, "2024-03-01 09:55:00", "F", "NO_TRAINING_IMAGE", "2024-03-01 10:00:00", std::nullopt,
       std::nullopt},                                                                                 // 6
      {kAgentB, "2024-03-01 10:05:00", "N", std::nullopt, std::nullopt, std::nullopt, std::nullopt},  // 7
      {kAgentB, "2024-03-01 11:30:00", "P", std::nullopt, std::nullopt, std::nullopt, std::nullopt},  // 8
      // Outside: captured before the window (processed in it), exactly at its
      // end (excluded), and the next morning (pending).
      {kAgentA, "2024-02-29 23:59:59", "Y", "SUCCESS", "2024-03-01 00:10:00", 1, 100.0},              // 9
      {kAgentB, "2024-03-02 00:00:00", "Y", "UNKNOWN_PERSON", "2024-03-02 00:05:00", 1, 5.0},         // 10
      {kAgentA, "2024-03-02 08:00:00", "N", std::nullopt, std::nullopt, std::nullopt, std::nullopt},  // 11
  };
  for (const auto& row : rows) insert_seed_row(conn, row);
  // Row 3 is not A, and the gallery check found B's benchmark much closer (migration 006).
  conn.sql() << "UPDATE stream_img SET distance = 0.6491, closest_lan_id = :lan_id, closest_distance = 0.2683"
                " WHERE id = 3",
      soci::use(kAgentB);
}

int run_program(const std::vector<std::string>& argv, const std::filesystem::path& log,
                const std::vector<std::string>& env) {
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    std::vector<std::string> copy = env;  // putenv keeps the pointer: own the strings
    for (auto& e : copy) putenv(e.data());
    std::vector<std::string> words = argv;
    std::vector<char*> args;
    for (auto& w : words) args.push_back(w.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace biosense::test
