CREATE TABLE jobcenters (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    municipality_code TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id),
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL CHECK (role IN ('consultant', 'manager', 'admin')),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    password_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_login_at TIMESTAMP
);
CREATE INDEX users_jobcenter_name ON users (jobcenter_id, name);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);

CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    client_ip TEXT NOT NULL,
    succeeded BOOLEAN NOT NULL,
    attempted_at TIMESTAMP NOT NULL
);
CREATE INDEX login_attempts_email ON login_attempts (email, attempted_at);
CREATE INDEX login_attempts_ip ON login_attempts (client_ip, attempted_at);
CREATE INDEX login_attempts_at ON login_attempts (attempted_at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT REFERENCES jobcenters (id),
    user_id BIGINT REFERENCES users (id),
    action TEXT NOT NULL,
    entity TEXT NOT NULL DEFAULT '',
    entity_id BIGINT,
    details TEXT NOT NULL DEFAULT '',
    client_ip TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_jobcenter ON audit_log (jobcenter_id, id);

CREATE TABLE setup_tokens (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
