-- Companies merged into another (models::company_merge): the merged-away record's address
-- leads to the survivor, and the survivor's page tells what was merged into it. A later merge
-- of the survivor points these rows at the new survivor, so there are no chains.
CREATE TABLE company_merges (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id) ON DELETE CASCADE,
    survivor_id BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    merged_id BIGINT NOT NULL,
    merged_name TEXT NOT NULL,
    merged_cvr TEXT NOT NULL,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    moved TEXT NOT NULL,
    merged_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX company_merges_merged ON company_merges (jobcenter_id, merged_id);
CREATE INDEX company_merges_survivor ON company_merges (survivor_id);
