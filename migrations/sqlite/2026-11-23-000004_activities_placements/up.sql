CREATE TABLE activities (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id),
    company_id BIGINT NOT NULL REFERENCES companies (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('visit', 'phone', 'mail', 'meeting', 'event')),
    occurred_on DATE NOT NULL,
    -- Topic keys between commas, e.g. ",smaajob,fleksjob,", so one LIKE finds a topic.
    topics TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    outcome TEXT CHECK (outcome IN ('positive', 'interested', 'not_relevant', 'follow_up')),
    campaign_id BIGINT,
    contact_person_id BIGINT REFERENCES contact_persons (id),
    follow_up_on DATE,
    follow_up_note TEXT NOT NULL DEFAULT '',
    follow_up_done BOOLEAN NOT NULL DEFAULT FALSE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX activities_timeline ON activities (jobcenter_id, company_id, occurred_on, id);
CREATE INDEX activities_by_user ON activities (jobcenter_id, user_id, occurred_on, id);
CREATE INDEX activities_by_date ON activities (jobcenter_id, occurred_on, id);
CREATE INDEX activities_open_follow_ups ON activities (user_id, follow_up_done, follow_up_on);
CREATE INDEX activities_campaign ON activities (campaign_id);
CREATE INDEX activities_contact_person ON activities (contact_person_id);

CREATE TABLE placements (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id),
    company_id BIGINT NOT NULL REFERENCES companies (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('smaajob', 'fleksjob', 'praktik', 'loentilskud', 'ordinary')),
    citizen_ref TEXT NOT NULL,
    hours_per_week DOUBLE PRECISION NOT NULL,
    start_on DATE NOT NULL,
    end_on DATE,
    status TEXT NOT NULL CHECK (status IN ('planned', 'active', 'ended', 'cancelled')),
    result TEXT CHECK (result IN ('ordinary_job', 'education', 'unemployed', 'other')),
    campaign_id BIGINT,
    note TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX placements_company ON placements (jobcenter_id, company_id, start_on, id);
CREATE INDEX placements_by_start ON placements (jobcenter_id, start_on, id);
CREATE INDEX placements_by_kind ON placements (jobcenter_id, kind, status, start_on);
CREATE INDEX placements_by_user ON placements (jobcenter_id, user_id, start_on, id);
CREATE INDEX placements_campaign ON placements (campaign_id);

-- A private calendar link per user; the token is stored hashed.
CREATE TABLE calendar_feeds (
    user_id BIGINT PRIMARY KEY NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);
