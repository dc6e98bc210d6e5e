-- Readers become deactivated consultants: their rows elsewhere (audit, access log) stay theirs.
UPDATE users SET role = 'consultant', active = FALSE WHERE role = 'reader';
CREATE TABLE users_old (
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
    last_login_at TIMESTAMP,
    totp_secret TEXT,
    totp_last_step BIGINT
);
INSERT INTO users_old SELECT * FROM users;
DROP TABLE users;
ALTER TABLE users_old RENAME TO users;
CREATE INDEX users_jobcenter_name ON users (jobcenter_id, name);
