DROP TABLE company_imports;
DROP TABLE contact_persons;
DROP TABLE companies;
