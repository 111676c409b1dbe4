-- 006_gallery_check (SQLite): each snapshot is also compared with every
-- enrolled agent's benchmark (docs/pass.md, "The gallery check"). The pass
-- records the closest agent other than the claimed one and that distance,
-- whatever the verdict; when that agent is closer than the claimed one, a
-- match becomes UNKNOWN_PERSON / UNKNOWN_MULTIPLE_FACES. NULL for snapshots
-- decided before this migration, with the check off, without a face, or
-- when no other agent is enrolled.

ALTER TABLE stream_img ADD COLUMN closest_lan_id TEXT;
ALTER TABLE stream_img ADD COLUMN closest_distance REAL;

-- The non-success list shows them, with the distance to the claimed agent's
-- benchmark beside them.
DROP VIEW IF EXISTS report_non_success;
CREATE VIEW report_non_success AS
  SELECT id, lan_id, capture_time, processed_time, result, num_faces, accuracy, distance, closest_lan_id,
         closest_distance
  FROM stream_img
  WHERE status <> 'N' AND result <> 'SUCCESS';
