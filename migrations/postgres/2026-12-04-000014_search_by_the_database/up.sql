-- The company search is the database's own: a pg_trgm GIN index over the folded search text
-- answers its LIKE '%term%'. It replaces the hand-built postings and trigram bits of
-- migrations 11 and 13 (whose unordered count upserts could deadlock concurrent writers).
DROP TABLE company_trigram_counts;
DROP TABLE company_trigrams;
DROP INDEX companies_by_name;
CREATE INDEX companies_by_name ON companies (jobcenter_id, name_search, id, search_text);
ALTER TABLE companies DROP COLUMN search_missing;

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX companies_search_trgm ON companies USING gin (search_text gin_trgm_ops);
