-- A company's recruitment need: positions it wants filled, the consultant responsible, and
-- whether the jobcenter filled them. Status: open, in_progress, filled_by_jobcenter,
-- filled_by_company, cancelled; closed_on is set when it is filled or cancelled. `is_open` (open
-- or in progress) and `deadline_key` (the deadline, 9999-12-31 without one) are kept by the
-- model so the lists walk an index in their order: open needs by deadline, none last.
CREATE TABLE needs (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id) ON DELETE CASCADE,
    company_id BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    contact_person_id BIGINT REFERENCES contact_persons (id) ON DELETE SET NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    positions INTEGER NOT NULL,
    hours_per_week DOUBLE PRECISION NOT NULL,
    kind TEXT NOT NULL,
    start_on DATE,
    deadline_on DATE,
    requirements TEXT NOT NULL DEFAULT '',
    offers TEXT NOT NULL DEFAULT '',
    jobnet_ref TEXT NOT NULL DEFAULT '',
    campaign_id BIGINT REFERENCES campaigns (id) ON DELETE SET NULL,
    activity_id BIGINT REFERENCES activities (id) ON DELETE SET NULL,
    request_id BIGINT REFERENCES contact_requests (id) ON DELETE SET NULL,
    status TEXT NOT NULL,
    is_open BOOLEAN NOT NULL,
    deadline_key DATE NOT NULL,
    received_on DATE NOT NULL,
    closed_on DATE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- The list by deadline: of the open needs (the default), of one status, of all.
CREATE INDEX needs_open_list ON needs (jobcenter_id, is_open, deadline_key, id);
CREATE INDEX needs_status_list ON needs (jobcenter_id, status, deadline_key, id);
CREATE INDEX needs_all_list ON needs (jobcenter_id, deadline_key, id);
-- A company's needs, newest first.
CREATE INDEX needs_company ON needs (jobcenter_id, company_id, received_on, id);
-- The overview's figures read the needs received in a period from this index alone.
CREATE INDEX needs_received ON needs (jobcenter_id, received_on, status, kind, user_id, positions, closed_on, id);

-- Every status a need has had, with its date: reopening keeps the history.
CREATE TABLE need_events (
    id INTEGER PRIMARY KEY,
    need_id BIGINT NOT NULL REFERENCES needs (id) ON DELETE CASCADE,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    status TEXT NOT NULL,
    happened_on DATE NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX need_events_need ON need_events (need_id, id);

-- The jobcenter's referrals to a need: a pseudonymous case reference, never a name.
-- Outcome: sent, interview, hired, not_hired, withdrawn.
CREATE TABLE referrals (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id) ON DELETE CASCADE,
    need_id BIGINT NOT NULL REFERENCES needs (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    citizen_ref TEXT NOT NULL,
    referred_on DATE NOT NULL,
    outcome TEXT NOT NULL,
    placement_id BIGINT REFERENCES placements (id) ON DELETE SET NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX referrals_need ON referrals (need_id, referred_on);
