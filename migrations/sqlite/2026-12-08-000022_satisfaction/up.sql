-- The company's verdict: after a request is closed or a visit logged, the company's contact
-- may get one short mail asking how satisfied they are, with a single-use link (stored only
-- hashed) to a one-question page. `opted_out` keeps "spørg os ikke igen" for the company and
-- the address; the 90-day rule reads the indexes by company and by address.
CREATE TABLE satisfaction_surveys (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id) ON DELETE CASCADE,
    company_id BIGINT REFERENCES companies (id) ON DELETE SET NULL,
    company_name TEXT NOT NULL,
    email TEXT NOT NULL,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    source TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    sent_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    answered_at TIMESTAMP,
    score INTEGER,
    comment TEXT NOT NULL DEFAULT '',
    opted_out BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX satisfaction_by_company ON satisfaction_surveys (jobcenter_id, company_id, sent_at);
CREATE INDEX satisfaction_by_email ON satisfaction_surveys (jobcenter_id, email, sent_at);
CREATE INDEX satisfaction_by_answer ON satisfaction_surveys (jobcenter_id, answered_at);
CREATE INDEX satisfaction_by_sent ON satisfaction_surveys (jobcenter_id, sent_at);
ALTER TABLE jobcenter_settings ADD COLUMN survey_after_request BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE jobcenter_settings ADD COLUMN survey_after_visit BOOLEAN NOT NULL DEFAULT FALSE;
