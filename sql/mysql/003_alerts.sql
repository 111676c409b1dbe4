-- 003_alerts (MariaDB >= 10.6): the watch's alerts (issue 8) and their kinds.
-- An alert is open until acknowledged. The watch extends an open alert of the
-- same agent and kind whose window overlaps the new one instead of adding a
-- row, so one condition seen by several runs is one alert (runs counts them).
-- Every statement is safe to run again (MariaDB commits DDL implicitly).

CREATE TABLE IF NOT EXISTS alert_kind (
  code VARCHAR(40) NOT NULL PRIMARY KEY,
  description VARCHAR(200) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT IGNORE INTO alert_kind (code, description) VALUES
  ('IMPERSONATION', 'the last verified faces do not move: a photo, a phone screen or a stand'),
  ('REPLAYED_IMAGE', 'the same image bytes arrived twice'),
  ('FROZEN_FEED', 'consecutive camera frames do not change at all'),
  ('ABSENT', 'too many snapshots without a face in the window'),
  ('SUBSTITUTED', 'too many snapshots of an unknown person in the window'),
  ('NO_DATA', 'snapshots arrived before the window but none in it');

CREATE TABLE IF NOT EXISTS alert (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  lan_id VARCHAR(255) NOT NULL,
  kind VARCHAR(40) NOT NULL,
  window_start DATETIME NOT NULL,
  window_end DATETIME NOT NULL,
  evidence_ids TEXT NOT NULL,
  scores TEXT NULL,
  detail TEXT NULL,
  runs INT NOT NULL DEFAULT 1,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at DATETIME NULL,
  acknowledged_by VARCHAR(255) NULL,
  acknowledged_at DATETIME NULL,
  KEY alert_agent_kind (lan_id, kind, acknowledged_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The watch reads each agent's snapshots by capture time.
CREATE INDEX IF NOT EXISTS stream_img_lan_time ON stream_img (lan_id, capture_time);
CREATE INDEX IF NOT EXISTS stream_img_time ON stream_img (capture_time);
