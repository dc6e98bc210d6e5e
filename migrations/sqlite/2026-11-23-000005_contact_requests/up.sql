-- Requests from the public contact form ("Kontakt jobcentret"). Spam-judged submissions are
-- kept with status 'spam' for a short while so admins can check them; they never show in the
-- inbox.
CREATE TABLE contact_requests (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id),
    -- Set when the CVR/P-number matched a company, or when staff link one. A deleted company
    -- leaves the request in place.
    company_id BIGINT REFERENCES companies (id) ON DELETE SET NULL,
    company_name TEXT NOT NULL,
    cvr TEXT,
    p_number TEXT,
    contact_name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    topic TEXT NOT NULL CHECK (topic IN ('recruitment', 'smaajob_fleksjob', 'praktik_loentilskud', 'retention', 'other')),
    message TEXT NOT NULL,
    preferred_time TEXT NOT NULL DEFAULT '',
    consent BOOLEAN NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('new', 'assigned', 'answered', 'closed', 'spam')),
    -- Why it is spam: 'honeypot', 'too_fast' or 'staff'.
    spam_reason TEXT,
    assigned_to BIGINT REFERENCES users (id),
    received_at TIMESTAMP NOT NULL,
    first_answer_at TIMESTAMP,
    closed_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL,
    -- The random key of the form the request came from: a double submit makes one request.
    idempotency_key TEXT NOT NULL
);
CREATE UNIQUE INDEX contact_requests_idempotency ON contact_requests (jobcenter_id, idempotency_key);
-- The inbox tabs page newest first (ids are given in arrival order) through these.
CREATE INDEX contact_requests_by_status ON contact_requests (jobcenter_id, status, id);
CREATE INDEX contact_requests_by_assignee ON contact_requests (jobcenter_id, assigned_to, status, id);
-- Response-time figures read a period of arrivals from this index alone.
CREATE INDEX contact_requests_by_received ON contact_requests (jobcenter_id, received_at, first_answer_at, status);
-- Retention: closed ones by when they were closed.
CREATE INDEX contact_requests_by_closed ON contact_requests (jobcenter_id, status, closed_at);
CREATE INDEX contact_requests_company ON contact_requests (company_id);

-- What was done with a request, shown on its page. Goes with the request when it is deleted.
CREATE TABLE contact_request_events (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id),
    request_id BIGINT NOT NULL REFERENCES contact_requests (id) ON DELETE CASCADE,
    user_id BIGINT REFERENCES users (id),
    kind TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX contact_request_events_request ON contact_request_events (request_id, id);

-- Mails waiting to be sent (or sent) by the background sender. A mail that cannot be sent
-- stays here with its error; the request it is about is never affected.
CREATE TABLE outbox_mails (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT REFERENCES jobcenters (id),
    request_id BIGINT REFERENCES contact_requests (id) ON DELETE SET NULL,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    last_error TEXT
);
CREATE INDEX outbox_mails_due ON outbox_mails (sent_at, next_attempt_at);
CREATE INDEX outbox_mails_jobcenter ON outbox_mails (jobcenter_id, id);
CREATE INDEX outbox_mails_request ON outbox_mails (request_id);

-- Submissions of the public form per client, for the rate limit. The address is stored only
-- as a keyed hash (HMAC with the secret key), and rows older than a day are deleted.
CREATE TABLE contact_form_hits (
    id INTEGER PRIMARY KEY,
    client_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX contact_form_hits_client ON contact_form_hits (client_hash, created_at);
CREATE INDEX contact_form_hits_created ON contact_form_hits (created_at);
