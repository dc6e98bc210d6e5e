DROP TABLE company_trigram_counts;
DROP TABLE company_trigrams;
ALTER TABLE campaign_targets ALTER COLUMN company_name_search TYPE TEXT COLLATE "default";
