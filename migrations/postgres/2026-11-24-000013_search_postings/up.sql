-- The postings of the company search: a row per company and distinct run of three bytes of its
-- search text (domain::text::trigrams), in name order within a run. A search walks the
-- postings of its term's rarest run (company_trigram_counts says which), so it reads about as
-- many entries as it shows rather than the thousand name-index entries it took to find 26
-- matches of a word that one company in forty has. `search_missing` repeats the company's
-- trigram bits, so most postings that are not a match are turned down without a lookup.
-- Rust fills both tables in right after this migration (models::search_index::rebuild), and
-- every write of a company keeps them. No foreign key: checking one when a company is deleted
-- would scan this table; the delete removes the company's postings itself.
CREATE TABLE company_trigrams (
    jobcenter_id BIGINT NOT NULL,
    trigram INTEGER NOT NULL,
    name_search TEXT COLLATE "C" NOT NULL,
    company_id BIGINT NOT NULL,
    search_missing BIGINT NOT NULL,
    PRIMARY KEY (jobcenter_id, trigram, name_search, company_id)
);

-- How many companies of the jobcenter have each run: the search starts from the rarest, and a
-- run no company has answers "no match" at once.
CREATE TABLE company_trigram_counts (
    jobcenter_id BIGINT NOT NULL,
    trigram INTEGER NOT NULL,
    companies BIGINT NOT NULL,
    PRIMARY KEY (jobcenter_id, trigram)
);

-- Campaign target lists sort by this copy of companies.name_search, which is bytewise ("C");
-- the copy took the database's collation, which sorts æ, ø, å wrong outside C locales.
ALTER TABLE campaign_targets ALTER COLUMN company_name_search TYPE TEXT COLLATE "C";
