CREATE TABLE companies (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id),
    cvr TEXT NOT NULL,
    p_number TEXT,
    name TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    industry_code TEXT NOT NULL DEFAULT '',
    industry_text TEXT NOT NULL DEFAULT '',
    employees TEXT,
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('prospect', 'active', 'inactive')),
    fixed_contact_id BIGINT REFERENCES users (id),
    notes TEXT NOT NULL DEFAULT '',
    last_contact_on DATE,
    name_search TEXT NOT NULL,
    search_text TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- One company per jobcenter per P-number, else per CVR.
CREATE UNIQUE INDEX companies_p_number_unique ON companies (jobcenter_id, p_number) WHERE p_number IS NOT NULL;
CREATE UNIQUE INDEX companies_cvr_unique ON companies (jobcenter_id, cvr) WHERE p_number IS NULL;
CREATE INDEX companies_cvr ON companies (jobcenter_id, cvr);
-- Lists page by name (a sort key in Danish alphabet order, compared bytewise on both databases)
-- or by last contact; the search text rides along so a search can be
-- answered from the index.
CREATE INDEX companies_by_name ON companies (jobcenter_id, name_search, id, search_text);
CREATE INDEX companies_by_last_contact ON companies (jobcenter_id, last_contact_on, id);
CREATE INDEX companies_by_fixed_contact ON companies (jobcenter_id, fixed_contact_id, name_search, id);
CREATE INDEX companies_by_status ON companies (jobcenter_id, status, name_search, id);
CREATE INDEX companies_by_postcode ON companies (jobcenter_id, postcode, name_search, id);
CREATE INDEX companies_fixed_contact ON companies (fixed_contact_id);

CREATE TABLE contact_persons (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id),
    company_id BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    removed_at TIMESTAMP,
    erased_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX contact_persons_company ON contact_persons (company_id, name);

-- An uploaded CSV waiting for its preview to be confirmed.
CREATE TABLE company_imports (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    filename TEXT NOT NULL,
    content TEXT NOT NULL,
    update_existing BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX company_imports_created ON company_imports (created_at);
