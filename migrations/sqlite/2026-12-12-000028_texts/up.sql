-- Texts a jobcenter words itself (models::text): every version its administrators saved, the
-- newest in use. A version without a body is a return to the shipped default. Mails have a
-- subject; page texts leave it empty.
CREATE TABLE texts (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    subject TEXT,
    body TEXT,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX texts_versions ON texts (jobcenter_id, key, id);

-- Summaries of a visit or meeting sent to the company (models::visit_summary): who sent what
-- to whom, shown on the company's timeline. The mail itself goes through the outbox.
CREATE TABLE visit_summaries (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id) ON DELETE CASCADE,
    activity_id BIGINT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    sent_at TIMESTAMP NOT NULL
);
CREATE INDEX visit_summaries_activity ON visit_summaries (jobcenter_id, activity_id, id);
