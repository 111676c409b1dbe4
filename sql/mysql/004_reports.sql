-- 004_reports (MariaDB >= 10.6): read-only views for dashboards (issue 7, see
-- docs/dashboards.md), the same queries `biosense report` runs, and the
-- indexes that keep the report fast on a large stream_img.
-- Views read stream_img only; they work on the user's legacy tables too.
-- CREATE OR REPLACE makes every statement safe to run again. The views run
-- with the rights of the account that migrated (SQL SECURITY DEFINER, the
-- default), so a reporting account needs SELECT on the views only, not on
-- stream_img and its photos (scripts/create_mariadb_user.sh --reporting).
-- Hours are "YYYY-MM-DD HH:00" on the database clock.

-- Snapshots per agent, result and capture hour (the user's dashboard query,
-- for all agents; filter on lan_id for one). result is NULL while pending.
CREATE OR REPLACE VIEW report_hourly AS
  SELECT lan_id, result, DATE_FORMAT(capture_time, '%Y-%m-%d %H:00') AS hour, COUNT(*) AS n
  FROM stream_img
  GROUP BY lan_id, result, hour;

-- The user's non-success list: decided snapshots whose result is not SUCCESS.
CREATE OR REPLACE VIEW report_non_success AS
  SELECT id, lan_id, capture_time, processed_time, result, num_faces, accuracy
  FROM stream_img
  WHERE status <> 'N' AND result <> 'SUCCESS';

-- Per agent over the whole table: snapshots, decided (Y/F), verified
-- (SUCCESS or SUCCESS_MULTIPLE_FACES), the success rate in percent of the
-- decided ones (NULL when none is decided) and the newest capture time.
CREATE OR REPLACE VIEW report_agent_rates AS
  SELECT lan_id,
         COUNT(*) AS snapshots,
         SUM(CASE WHEN status IN ('Y', 'F') THEN 1 ELSE 0 END) AS decided,
         SUM(CASE WHEN result IN ('SUCCESS', 'SUCCESS_MULTIPLE_FACES') THEN 1 ELSE 0 END) AS verified,
         ROUND(100.0 * SUM(CASE WHEN result IN ('SUCCESS', 'SUCCESS_MULTIPLE_FACES') THEN 1 ELSE 0 END)
               / NULLIF(SUM(CASE WHEN status IN ('Y', 'F') THEN 1 ELSE 0 END), 0), 1) AS success_rate,
         MAX(capture_time) AS last_seen
  FROM stream_img
  GROUP BY lan_id;

-- The report's hourly counts, per-agent rates and confidence bins read an
-- agent's window of this covering index instead of the table (per-agent
-- rates on 1,000,000 MariaDB rows: 14 s -> 0.3 s, docs/performance.md).
-- The throughput and backlog charts read rows by processed time; the
-- pending queue's oldest row is found by status and capture time.
CREATE INDEX IF NOT EXISTS stream_img_report ON stream_img (lan_id, capture_time, status, result, accuracy);
CREATE INDEX IF NOT EXISTS stream_img_processed_time ON stream_img (processed_time);
CREATE INDEX IF NOT EXISTS stream_img_status_time ON stream_img (status, capture_time);
