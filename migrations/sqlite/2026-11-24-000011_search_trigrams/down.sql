DROP INDEX companies_by_name;
CREATE INDEX companies_by_name ON companies (jobcenter_id, name_search, id, search_text);
ALTER TABLE companies DROP COLUMN search_missing;
