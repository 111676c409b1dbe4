-- 002_claims_and_audit (MariaDB >= 10.6): the columns biosense adds to the
-- image tables, the audit trail, employees, cached encodings and the indexes
-- of the pending queries. ADD COLUMN IF NOT EXISTS adds to a legacy table only
-- what it lacks. MariaDB commits DDL implicitly, so a migration cannot be one
-- transaction here: every statement is written to be safe to run again, and
-- a migration interrupted halfway is simply re-run by the next migrate.

ALTER TABLE stream_img
  ADD COLUMN IF NOT EXISTS num_faces INT NULL,
  ADD COLUMN IF NOT EXISTS accuracy DOUBLE NULL,
  ADD COLUMN IF NOT EXISTS distance DOUBLE NULL,
  ADD COLUMN IF NOT EXISTS benchmark_id BIGINT NULL,
  ADD COLUMN IF NOT EXISTS claimed_by VARCHAR(255) NULL,
  ADD COLUMN IF NOT EXISTS claimed_at DATETIME NULL,
  ADD COLUMN IF NOT EXISTS attempts INT NOT NULL DEFAULT 0;

ALTER TABLE train_img
  ADD COLUMN IF NOT EXISTS num_faces INT NULL,
  ADD COLUMN IF NOT EXISTS claimed_by VARCHAR(255) NULL,
  ADD COLUMN IF NOT EXISTS claimed_at DATETIME NULL,
  ADD COLUMN IF NOT EXISTS attempts INT NOT NULL DEFAULT 0;

-- Rows the capture client left without a status are pending; decided rows
-- (any non-NULL status) are never touched.
UPDATE stream_img SET status = 'N' WHERE status IS NULL;
UPDATE train_img SET status = 'N' WHERE status IS NULL;

CREATE INDEX IF NOT EXISTS stream_img_status_id ON stream_img (status, id);
CREATE INDEX IF NOT EXISTS train_img_status_id ON train_img (status, id);
CREATE INDEX IF NOT EXISTS train_img_lan_status_id ON train_img (lan_id, status, id);

-- One row per processing attempt: the audit trail.
CREATE TABLE IF NOT EXISTS process_status (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  image_kind VARCHAR(10) NOT NULL,
  image_id BIGINT NOT NULL,
  lan_id VARCHAR(255) NULL,
  status CHAR(1) NOT NULL,
  result VARCHAR(40) NULL,
  num_faces INT NULL,
  distance DOUBLE NULL,
  accuracy DOUBLE NULL,
  benchmark_id BIGINT NULL,
  model_version VARCHAR(100) NULL,
  worker VARCHAR(255) NULL,
  started_at DATETIME(3) NULL,
  finished_at DATETIME(3) NULL,
  detail TEXT NULL,
  KEY process_status_image (image_kind, image_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS employee (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  lan_id VARCHAR(255) NOT NULL,
  name VARCHAR(255) NULL,
  active TINYINT(1) NOT NULL DEFAULT 1,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE KEY employee_lan_id (lan_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A benchmark's encoding, computed once per model version: 128 float32,
-- little-endian (512 bytes).
CREATE TABLE IF NOT EXISTS face_encoding (
  train_img_id BIGINT NOT NULL,
  model_version VARCHAR(100) NOT NULL,
  encoding BLOB NOT NULL,
  box_left INT NOT NULL,
  box_top INT NOT NULL,
  box_right INT NOT NULL,
  box_bottom INT NOT NULL,
  quality DOUBLE NOT NULL DEFAULT 0,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (train_img_id, model_version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
