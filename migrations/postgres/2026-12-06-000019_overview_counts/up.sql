-- The manager's overview counts a period's work without reading the activities of the period:
-- these tables are kept by triggers (src/db/triggers/) in the same transaction as the change.
-- Period keys are text: a month '2026-03', a quarter '2026-Q1', a half-year '2026-H1' and a
-- year '2026' (domain::periods::Period::key writes the same).

-- Activities per month (its first day), consultant and kind: the figures by kind and per
-- consultant for any run of whole months.
CREATE TABLE activity_month_counts (
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id) ON DELETE CASCADE,
    month DATE NOT NULL,
    user_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (jobcenter_id, month, user_id, kind)
);

-- Activities per month, kind and topic (an activity with two topics counts under each).
CREATE TABLE activity_topic_month_counts (
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id) ON DELETE CASCADE,
    month DATE NOT NULL,
    kind TEXT NOT NULL,
    topic TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (jobcenter_id, month, kind, topic)
);

-- Activities per day and kind: the chart of visits and contacts per ISO week.
CREATE TABLE activity_day_counts (
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id) ON DELETE CASCADE,
    day DATE NOT NULL,
    kind TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (jobcenter_id, day, kind)
);

-- One row per company and period it had at least one activity in (n: how many), so distinct
-- companies contacted are counted once. in_base is 1 when the company counts towards the
-- cooperation rate: it has employees (a size band) and is not inactive.
CREATE TABLE company_contact_periods (
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    company_id BIGINT NOT NULL,
    in_base INTEGER NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (jobcenter_id, period, company_id)
);
CREATE INDEX company_contact_periods_company ON company_contact_periods (company_id);

-- Their number per period: companies contacted, and those of them in the cooperation base.
CREATE TABLE contact_period_counts (
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    companies BIGINT NOT NULL,
    in_base BIGINT NOT NULL,
    PRIMARY KEY (jobcenter_id, period)
);

-- The register by status, whether a company has employees and whether it has a fixed contact:
-- the cooperation rate's base and the share of active companies with a fixed contact.
CREATE TABLE company_counts (
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    has_employees INTEGER NOT NULL,
    has_fixed_contact INTEGER NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (jobcenter_id, status, has_employees, has_fixed_contact)
);

-- Active companies with no contact for a year and new companies; placements started, ended
-- and active counted from their indexes alone (kind, company, result and campaign included).
CREATE INDEX companies_by_status_contact ON companies (jobcenter_id, status, last_contact_on);
CREATE INDEX companies_by_created ON companies (jobcenter_id, created_at);
CREATE INDEX placements_started ON placements (jobcenter_id, start_on, kind, company_id, campaign_id);
CREATE INDEX placements_by_end ON placements (jobcenter_id, end_on, status, result, kind, campaign_id);
CREATE INDEX placements_active ON placements (jobcenter_id, status, start_on, end_on, kind);

INSERT INTO activity_month_counts (jobcenter_id, month, user_id, kind, n)
    SELECT jobcenter_id, date_trunc('month', occurred_on)::date, user_id, kind, count(*)
    FROM activities GROUP BY jobcenter_id, date_trunc('month', occurred_on)::date, user_id, kind;

INSERT INTO activity_day_counts (jobcenter_id, day, kind, n)
    SELECT jobcenter_id, occurred_on, kind, count(*)
    FROM activities GROUP BY jobcenter_id, occurred_on, kind;

INSERT INTO activity_topic_month_counts (jobcenter_id, month, kind, topic, n)
    SELECT a.jobcenter_id, date_trunc('month', a.occurred_on)::date, a.kind, t.topic, count(*)
    FROM activities a
    CROSS JOIN LATERAL unnest(string_to_array(trim(both ',' FROM a.topics), ',')) AS t (topic)
    WHERE t.topic <> ''
    GROUP BY a.jobcenter_id, date_trunc('month', a.occurred_on)::date, a.kind, t.topic;

INSERT INTO company_contact_periods (jobcenter_id, period, company_id, in_base, n)
    SELECT a.jobcenter_id, k.period, a.company_id, 0, count(*)
    FROM activities a
    CROSS JOIN LATERAL unnest(ARRAY[
        to_char(a.occurred_on, 'YYYY-MM'),
        to_char(a.occurred_on, 'YYYY-"Q"Q'),
        to_char(a.occurred_on, 'YYYY') || '-H' || ((extract(month FROM a.occurred_on)::int + 5) / 6),
        to_char(a.occurred_on, 'YYYY')]) AS k (period)
    GROUP BY a.jobcenter_id, k.period, a.company_id;
UPDATE company_contact_periods SET in_base = 1 WHERE company_id IN (
    SELECT id FROM companies WHERE employees IS NOT NULL AND status <> 'inactive');

INSERT INTO contact_period_counts (jobcenter_id, period, companies, in_base)
    SELECT jobcenter_id, period, count(*), sum(in_base)
    FROM company_contact_periods GROUP BY jobcenter_id, period;

INSERT INTO company_counts (jobcenter_id, status, has_employees, has_fixed_contact, n)
    SELECT jobcenter_id, status, (employees IS NOT NULL)::int, (fixed_contact_id IS NOT NULL)::int,
        count(*)
    FROM companies
    GROUP BY jobcenter_id, status, employees IS NOT NULL, fixed_contact_id IS NOT NULL;
