CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id),
    name TEXT NOT NULL,
    purpose TEXT NOT NULL DEFAULT '',
    topics TEXT NOT NULL DEFAULT '',
    start_on DATE NOT NULL,
    end_on DATE NOT NULL,
    target_companies INTEGER NOT NULL,
    target_placements INTEGER,
    status TEXT NOT NULL CHECK (status IN ('planned', 'running', 'done')),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX campaigns_by_start ON campaigns (jobcenter_id, start_on, id);

CREATE TABLE campaign_consultants (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (campaign_id, user_id)
);
CREATE INDEX campaign_consultants_user ON campaign_consultants (user_id);

-- A company on a campaign's list: who reaches out to it and how far it has come.
CREATE TABLE campaign_targets (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id),
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    company_id BIGINT NOT NULL REFERENCES companies (id),
    assigned_to BIGINT REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('not_contacted', 'contacted', 'visited', 'interested', 'agreement', 'declined')),
    contacted_on DATE,
    visited_on DATE,
    last_activity_on DATE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX campaign_targets_once ON campaign_targets (campaign_id, company_id);
CREATE INDEX campaign_targets_by_status ON campaign_targets (campaign_id, status);
CREATE INDEX campaign_targets_by_consultant ON campaign_targets (assigned_to, status);
CREATE INDEX campaign_targets_company ON campaign_targets (company_id);
