-- /readyz proves the database takes a write by moving this one row's time.
CREATE TABLE readiness_checks (
    id INTEGER PRIMARY KEY,
    checked_at TIMESTAMP NOT NULL
);
INSERT INTO readiness_checks (id, checked_at) VALUES (1, CURRENT_TIMESTAMP);
