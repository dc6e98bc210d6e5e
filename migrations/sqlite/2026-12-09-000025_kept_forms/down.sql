DROP TABLE kept_forms;
ALTER TABLE sessions DROP COLUMN signed_out_at;
