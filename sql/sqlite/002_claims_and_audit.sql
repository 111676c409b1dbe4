-- 002_claims_and_audit (SQLite): the columns biosense adds to the image
-- tables, the audit trail, employees, cached encodings and the indexes of the
-- pending queries.
--
-- SQLite has no ADD COLUMN IF NOT EXISTS. The migration runner
-- (src/storage/migrate.cpp) therefore skips any statement of the exact form
-- "ALTER TABLE <table> ADD COLUMN <column> ..." when PRAGMA table_info already
-- lists <column>: a legacy table gains only what it lacks, and a table created
-- by 001 gains every column. Keep one column per ALTER statement.

ALTER TABLE stream_img ADD COLUMN num_faces INTEGER;
ALTER TABLE stream_img ADD COLUMN accuracy REAL;
ALTER TABLE stream_img ADD COLUMN distance REAL;
ALTER TABLE stream_img ADD COLUMN benchmark_id INTEGER;
ALTER TABLE stream_img ADD COLUMN claimed_by VARCHAR(255);
ALTER TABLE stream_img ADD COLUMN claimed_at TEXT;
ALTER TABLE stream_img ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;

ALTER TABLE train_img ADD COLUMN num_faces INTEGER;
ALTER TABLE train_img ADD COLUMN claimed_by VARCHAR(255);
ALTER TABLE train_img ADD COLUMN claimed_at TEXT;
ALTER TABLE train_img ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;

-- Rows the capture client left without a status are pending; decided rows
-- (any non-NULL status) are never touched.
UPDATE stream_img SET status = 'N' WHERE status IS NULL;
UPDATE train_img SET status = 'N' WHERE status IS NULL;

CREATE INDEX IF NOT EXISTS stream_img_status_id ON stream_img (status, id);
CREATE INDEX IF NOT EXISTS train_img_status_id ON train_img (status, id);
CREATE INDEX IF NOT EXISTS train_img_lan_status_id ON train_img (lan_id, status, id);

-- One row per processing attempt: the audit trail.
CREATE TABLE IF NOT EXISTS process_status (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  image_kind VARCHAR(10) NOT NULL,
  image_id INTEGER NOT NULL,
  lan_id TEXT,
  status CHAR(1) NOT NULL,
  result VARCHAR(40),
  num_faces INTEGER,
  distance REAL,
  accuracy REAL,
  benchmark_id INTEGER,
  model_version VARCHAR(100),
  worker VARCHAR(255),
  started_at TEXT,
  finished_at TEXT,
  detail TEXT
);
CREATE INDEX IF NOT EXISTS process_status_image ON process_status (image_kind, image_id);

CREATE TABLE IF NOT EXISTS employee (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  lan_id VARCHAR(255) NOT NULL UNIQUE,
  name VARCHAR(255),
  active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- A benchmark's encoding, computed once per model version: 128 float32,
-- little-endian (512 bytes).
CREATE TABLE IF NOT EXISTS face_encoding (
  train_img_id INTEGER NOT NULL,
  model_version VARCHAR(100) NOT NULL,
  encoding BLOB NOT NULL,
  box_left INTEGER NOT NULL,
  box_top INTEGER NOT NULL,
  box_right INTEGER NOT NULL,
  box_bottom INTEGER NOT NULL,
  quality REAL NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (train_img_id, model_version)
);
