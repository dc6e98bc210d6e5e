-- A campaign for a cluster (models::regional): a manager of one member creates it; every
-- member that joins runs its own campaign under it (campaigns.regional_campaign_id), with its
-- own companies and consultants, and the members' managers see the progress of all of them.
CREATE TABLE regional_campaigns (
    id INTEGER PRIMARY KEY,
    cluster_id BIGINT NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    purpose TEXT NOT NULL,
    start_on DATE NOT NULL,
    end_on DATE NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX regional_campaigns_by_cluster ON regional_campaigns (cluster_id, start_on);
ALTER TABLE campaigns ADD COLUMN regional_campaign_id BIGINT REFERENCES regional_campaigns (id);
-- One campaign per member under a regional campaign.
CREATE UNIQUE INDEX campaigns_by_regional ON campaigns (regional_campaign_id, jobcenter_id);
