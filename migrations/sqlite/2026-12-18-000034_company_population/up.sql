-- The municipality's whole company population: the CVR register's production units
-- (P-enheder), imported from an extract (models::population). Kept apart from the register
-- of companies the jobcenter works with; a unit is in the register when a company has its
-- P-number, or its CVR number and no P-number.
CREATE TABLE population_imports (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id) ON DELETE CASCADE,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    file_name TEXT NOT NULL,
    -- Units the extract listed, and of them the cooperation rate's base: not ceased, with at
    -- least one employee (counted once, when the import finishes).
    listed BIGINT NOT NULL DEFAULT 0,
    base BIGINT NOT NULL DEFAULT 0,
    added BIGINT NOT NULL DEFAULT 0,
    changed BIGINT NOT NULL DEFAULT 0,
    unchanged BIGINT NOT NULL DEFAULT 0,
    ceased BIGINT NOT NULL DEFAULT 0,
    gone BIGINT NOT NULL DEFAULT 0,
    refused BIGINT NOT NULL DEFAULT 0,
    started_at TIMESTAMP NOT NULL,
    -- Set when every batch is in; an import cut off half-way has none and counts for nothing.
    finished_at TIMESTAMP
);
CREATE INDEX population_imports_by_jobcenter ON population_imports (jobcenter_id, finished_at);

CREATE TABLE population_units (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id) ON DELETE CASCADE,
    p_number TEXT NOT NULL,
    cvr TEXT NOT NULL,
    name TEXT NOT NULL,
    name_search TEXT NOT NULL,
    address TEXT NOT NULL,
    postcode TEXT NOT NULL,
    city TEXT NOT NULL,
    industry_code TEXT NOT NULL,
    industry_text TEXT NOT NULL,
    -- The CVR's employee interval as it reads ("10–19") and its lower bound; none when the
    -- extract does not say.
    employees_band TEXT,
    employees_min INTEGER,
    started_on DATE,
    ended_on DATE,
    advertising_protected BOOLEAN NOT NULL,
    -- The finished import that last listed the unit: one the newest import did not list has
    -- left the municipality's extract.
    import_id BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX population_units_by_p_number ON population_units (jobcenter_id, p_number);
CREATE INDEX population_units_by_cvr ON population_units (jobcenter_id, cvr);
CREATE INDEX population_units_by_name ON population_units (jobcenter_id, name_search, id);
