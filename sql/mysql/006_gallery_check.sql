-- 006_gallery_check (MariaDB >= 10.6): each snapshot is also compared with
-- every enrolled agent's benchmark (docs/pass.md, "The gallery check"). The
-- pass records the closest agent other than the claimed one and that
-- distance, whatever the verdict; when that agent is closer than the claimed
-- one, a match becomes UNKNOWN_PERSON / UNKNOWN_MULTIPLE_FACES. NULL for
-- snapshots decided before this migration, with the check off, without a
-- face, or when no other agent is enrolled. The column compares byte for
-- byte like the tables 001 creates, also in a legacy table of another
-- character set. Safe to run again (MariaDB commits DDL implicitly).

ALTER TABLE stream_img
  ADD COLUMN IF NOT EXISTS closest_lan_id VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  ADD COLUMN IF NOT EXISTS closest_distance DOUBLE NULL;

-- The non-success list shows them, with the distance to the claimed agent's
-- benchmark beside them.
CREATE OR REPLACE VIEW report_non_success AS
  SELECT id, lan_id, capture_time, processed_time, result, num_faces, accuracy, distance, closest_lan_id,
         closest_distance
  FROM stream_img
  WHERE status <> 'N' AND result <> 'SUCCESS';
