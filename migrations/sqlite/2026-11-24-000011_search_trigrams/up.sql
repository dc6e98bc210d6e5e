-- A search for part of a name walks the name index and tests every entry. `search_missing`
-- holds the trigram bits (see domain::text::trigram_bits) that `search_text` does not
-- contain, so most entries are turned down by one AND of two integers before the text is
-- compared. 0 (the default) turns nothing down: rows written before this migration are found
-- as before until start-up fills the column in.
ALTER TABLE companies ADD COLUMN search_missing BIGINT NOT NULL DEFAULT 0;
DROP INDEX companies_by_name;
CREATE INDEX companies_by_name ON companies (jobcenter_id, name_search, id, search_missing, search_text);
