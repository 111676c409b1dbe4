-- 003_alerts (SQLite): the watch's alerts (issue 8) and their kinds.
-- An alert is open until acknowledged. The watch extends an open alert of the
-- same agent and kind whose window overlaps the new one instead of adding a
-- row, so one condition seen by several runs is one alert (runs counts them).

CREATE TABLE IF NOT EXISTS alert_kind (
  code VARCHAR(40) PRIMARY KEY,
  description VARCHAR(200) NOT NULL
);

INSERT OR IGNORE INTO alert_kind (code, description) VALUES
  ('IMPERSONATION', 'the last verified faces do not move: a photo, a phone screen or a stand'),
  ('REPLAYED_IMAGE', 'the same image bytes arrived twice'),
  ('FROZEN_FEED', 'consecutive camera frames do not change at all'),
  ('ABSENT', 'too many snapshots without a face in the window'),
  ('SUBSTITUTED', 'too many snapshots of an unknown person in the window'),
  ('NO_DATA', 'snapshots arrived before the window but none in it');

CREATE TABLE IF NOT EXISTS alert (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  lan_id TEXT NOT NULL,
  kind VARCHAR(40) NOT NULL,
  window_start TEXT NOT NULL,
  window_end TEXT NOT NULL,
  evidence_ids TEXT NOT NULL DEFAULT '',
  scores TEXT,
  detail TEXT,
  runs INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TEXT,
  acknowledged_by VARCHAR(255),
  acknowledged_at TEXT
);
CREATE INDEX IF NOT EXISTS alert_agent_kind ON alert (lan_id, kind, acknowledged_at);

-- The watch reads each agent's snapshots by capture time.
CREATE INDEX IF NOT EXISTS stream_img_lan_time ON stream_img (lan_id, capture_time);
CREATE INDEX IF NOT EXISTS stream_img_time ON stream_img (capture_time);
