-- Signing out ends a session but keeps its row for a while (`signed_out_at`), so a form sent
-- from another tab afterwards can still be told whose it was.
ALTER TABLE sessions ADD COLUMN signed_out_at TIMESTAMP;

-- A form sent after its session ended, kept for its owner to get back after signing in again.
-- `browser` is the SHA-256 of the key in the browser's cookie; `fields` the form as it was sent
-- (URL-encoded, without passwords or codes), `page` the address of the page the form was on.
CREATE TABLE kept_forms (
    id INTEGER PRIMARY KEY,
    browser TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    page TEXT NOT NULL,
    action TEXT NOT NULL,
    fields TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX kept_forms_browser ON kept_forms (browser, user_id);
CREATE INDEX kept_forms_user ON kept_forms (user_id);
CREATE INDEX kept_forms_created ON kept_forms (created_at);
