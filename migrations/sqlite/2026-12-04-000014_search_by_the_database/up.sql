-- The company search is the database's own: an FTS5 index with the trigram tokenizer over the
-- folded search text (external content: the text lives in companies only), kept by the
-- triggers below. It replaces the hand-built postings and trigram bits of migrations 11 and 13.
DROP TABLE company_trigram_counts;
DROP TABLE company_trigrams;
DROP INDEX companies_by_name;
CREATE INDEX companies_by_name ON companies (jobcenter_id, name_search, id, search_text);
ALTER TABLE companies DROP COLUMN search_missing;

CREATE VIRTUAL TABLE companies_fts USING fts5(
    search_text, content = 'companies', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO companies_fts (companies_fts) VALUES ('rebuild');

CREATE TRIGGER companies_fts_insert AFTER INSERT ON companies BEGIN
    INSERT INTO companies_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER companies_fts_delete AFTER DELETE ON companies BEGIN
    INSERT INTO companies_fts (companies_fts, rowid, search_text)
    VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER companies_fts_update AFTER UPDATE OF search_text ON companies BEGIN
    INSERT INTO companies_fts (companies_fts, rowid, search_text)
    VALUES ('delete', old.id, old.search_text);
    INSERT INTO companies_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
