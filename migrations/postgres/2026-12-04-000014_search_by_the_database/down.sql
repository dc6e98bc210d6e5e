DROP INDEX companies_search_trgm;
-- The columns and tables of migrations 11 and 13 come back empty: their search then finds
-- nothing by name until the data is written again.
ALTER TABLE companies ADD COLUMN search_missing BIGINT NOT NULL DEFAULT 0;
DROP INDEX companies_by_name;
CREATE INDEX companies_by_name ON companies (jobcenter_id, name_search, id, search_missing, search_text);
CREATE TABLE company_trigrams (
    jobcenter_id BIGINT NOT NULL,
    trigram INTEGER NOT NULL,
    name_search TEXT COLLATE "C" NOT NULL,
    company_id BIGINT NOT NULL,
    search_missing BIGINT NOT NULL,
    PRIMARY KEY (jobcenter_id, trigram, name_search, company_id)
);
CREATE TABLE company_trigram_counts (
    jobcenter_id BIGINT NOT NULL,
    trigram INTEGER NOT NULL,
    companies BIGINT NOT NULL,
    PRIMARY KEY (jobcenter_id, trigram)
);
