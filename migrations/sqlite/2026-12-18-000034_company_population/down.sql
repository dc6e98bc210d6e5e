DROP TABLE population_units;
DROP TABLE population_imports;
