-- Clusters of neighbouring jobcenters on one installation (models::cluster): an operator
-- creates one and invites its members; a member shares only once its admin has accepted, and
-- stops at once when it leaves. What members share is company-level facts, never notes,
-- persons, placements or requests.
CREATE TABLE clusters (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE cluster_members (
    id INTEGER PRIMARY KEY,
    cluster_id BIGINT NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id) ON DELETE CASCADE,
    invited_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    left_at TIMESTAMP
);
CREATE UNIQUE INDEX cluster_members_by_cluster ON cluster_members (cluster_id, jobcenter_id);
CREATE INDEX cluster_members_by_jobcenter ON cluster_members (jobcenter_id, cluster_id);
