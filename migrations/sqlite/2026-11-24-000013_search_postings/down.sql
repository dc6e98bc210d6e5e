DROP TABLE company_trigram_counts;
DROP TABLE company_trigrams;
