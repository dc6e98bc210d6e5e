-- A fourth role, "Læseadgang" (reader): colleagues who may look but not change. SQLite cannot
-- change a CHECK constraint in place, so the table is rebuilt as SQLite's documentation
-- describes; foreign keys are off while migrations run and are checked before they commit
-- (db::run_migrations), so the tables that refer to users keep their rows.
CREATE TABLE users_new (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id),
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL CHECK (role IN ('reader', 'consultant', 'manager', 'admin')),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    password_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_login_at TIMESTAMP,
    totp_secret TEXT,
    totp_last_step BIGINT
);
INSERT INTO users_new (id, jobcenter_id, email, name, phone, title, role, active, password_hash,
        created_at, last_login_at, totp_secret, totp_last_step)
    SELECT id, jobcenter_id, email, name, phone, title, role, active, password_hash,
        created_at, last_login_at, totp_secret, totp_last_step
    FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE INDEX users_jobcenter_name ON users (jobcenter_id, name);
