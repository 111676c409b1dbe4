-- 005_mirror_gap (MariaDB >= 10.6): each cached benchmark encoding keeps its
-- face's mirror gap (the distance between the encodings of the chip and of its
-- mirror image), which the calibration reads with the snapshot's to turn a
-- distance into a confidence (docs/accuracy.md, "Mirror gaps"). NULL for
-- encodings made before this migration or without mirroring: the confidence
-- then counts the benchmark as a typical face.
-- Safe to run again (MariaDB commits DDL implicitly).

ALTER TABLE face_encoding ADD COLUMN IF NOT EXISTS mirror_gap DOUBLE NULL;
