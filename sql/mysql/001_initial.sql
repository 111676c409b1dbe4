-- 001_initial (MariaDB >= 10.6): the tables the capture client and the user's
-- own queries already use, in their original shape, plus the status and
-- result master tables. Every CREATE is IF NOT EXISTS, so an existing
-- database keeps its tables and rows untouched; 002 adds the columns biosense
-- needs. Seeds use INSERT IGNORE: descriptions edited by the user are kept.
-- New tables use utf8mb4_bin so lan_id compares byte for byte, as in SQLite
-- and in the pipeline's grouping.

CREATE TABLE IF NOT EXISTS stream_img (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  lan_id VARCHAR(255) NOT NULL,
  capture_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  image LONGBLOB NULL,
  status CHAR(1) NOT NULL DEFAULT 'N',
  result VARCHAR(40) NULL,
  processed_time DATETIME NULL,
  num_faces INT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS train_img (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  lan_id VARCHAR(255) NOT NULL,
  capture_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  image LONGBLOB NULL,
  processed_time DATETIME NULL,
  status CHAR(1) NOT NULL DEFAULT 'N',
  result VARCHAR(40) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS status_code (
  code CHAR(1) NOT NULL PRIMARY KEY,
  description VARCHAR(200) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS result_code (
  code VARCHAR(40) NOT NULL PRIMARY KEY,
  description VARCHAR(200) NOT NULL,
  status CHAR(1) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT IGNORE INTO status_code (code, description) VALUES
  ('N', 'not processed'),
  ('P', 'claimed by a worker; a claim older than the lease is taken back'),
  ('Y', 'processed, verdict recorded'),
  ('F', 'could not be processed');

-- status is the row status a stream snapshot gets with this result; for
-- train_img rows only SUCCESS is Y and every other result is F.
INSERT IGNORE INTO result_code (code, description, status) VALUES
  ('SUCCESS', 'exactly one face, and it matches the benchmark', 'Y'),
  ('SUCCESS_MULTIPLE_FACES', 'several faces, one of them matches', 'Y'),
  ('UNKNOWN_PERSON', 'exactly one face, no match', 'Y'),
  ('UNKNOWN_MULTIPLE_FACES', 'several faces, none matches', 'Y'),
  ('NO_FACES_FOUND', 'no face in the photo', 'Y'),
  ('NO_TRAINING_IMAGE', 'the agent has no approved train_img', 'F'),
  ('TRAINING_IMAGE_FAILED', 'the agent''s latest train_img failed validation', 'F'),
  ('INVALID_IMAGE', 'empty, undecodable, or over the size limits', 'F'),
  ('MULTIPLE_FACES', 'train_img validation found several faces', 'F'),
  ('LOW_QUALITY', 'train_img validation found the face too small or blurred', 'F');
