-- Two-step sign-in: a TOTP key per user, the last time step accepted (a code works once), and
-- single-use recovery codes stored hashed. A jobcenter may require it of everyone or of its
-- managers and admins.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
CREATE TABLE recovery_codes (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);
ALTER TABLE jobcenter_settings ADD COLUMN require_two_step TEXT NOT NULL DEFAULT 'none';
