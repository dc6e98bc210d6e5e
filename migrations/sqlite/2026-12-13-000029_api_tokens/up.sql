-- Personal access tokens of the JSON API (models::api_token): a token acts as its owner, with
-- the owner's role and jobcenter as they are at each call; stored only as its SHA-256.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    can_write BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX api_tokens_owner ON api_tokens (jobcenter_id, user_id, id);
