-- Local practice that changes with reforms: one row per jobcenter, written when an admin saves.
CREATE TABLE jobcenter_settings (
    jobcenter_id BIGINT PRIMARY KEY NOT NULL REFERENCES jobcenters (id),
    smaajob_min_hours DOUBLE PRECISION NOT NULL,
    smaajob_max_hours DOUBLE PRECISION NOT NULL,
    other_min_hours DOUBLE PRECISION NOT NULL,
    other_max_hours DOUBLE PRECISION NOT NULL,
    praktik_max_weeks INTEGER NOT NULL,
    answer_promise_days INTEGER NOT NULL,
    privacy_url TEXT NOT NULL,
    team_email TEXT NOT NULL,
    request_retention_months INTEGER NOT NULL,
    spam_retention_days INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
