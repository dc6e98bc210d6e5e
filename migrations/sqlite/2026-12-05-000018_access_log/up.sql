-- Who looked at what: views of personal data, searches and exports (Datatilsynet asks public
-- bodies to log reading, not only changes). Append-only; the daily job deletes rows past the
-- jobcenter's retention.
CREATE TABLE access_log (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id) ON DELETE CASCADE,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    accessed_at TIMESTAMP NOT NULL,
    kind TEXT NOT NULL,
    entity TEXT,
    entity_id BIGINT,
    query TEXT NOT NULL DEFAULT ''
);
CREATE INDEX access_log_jobcenter ON access_log (jobcenter_id, id);
CREATE INDEX access_log_user ON access_log (jobcenter_id, user_id, id);
CREATE INDEX access_log_entity ON access_log (jobcenter_id, entity, entity_id, id);
CREATE INDEX access_log_accessed ON access_log (jobcenter_id, accessed_at);
ALTER TABLE jobcenter_settings ADD COLUMN access_log_retention_months INTEGER NOT NULL DEFAULT 6;
