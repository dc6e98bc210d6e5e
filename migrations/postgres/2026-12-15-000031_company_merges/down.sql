DROP TABLE company_merges;
