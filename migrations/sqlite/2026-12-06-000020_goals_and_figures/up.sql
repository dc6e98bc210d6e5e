-- Goals per half-year against the CRM's own figures, with the history of their targets; and
-- the figures the CRM cannot count (the ministry's benchmark, Dansk Industri's ranks), kept
-- beside its own.
CREATE TABLE goals (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id),
    -- '2026-H1' (domain::periods::Period::param of a half-year).
    half_year TEXT NOT NULL,
    focus_area TEXT NOT NULL,
    metric TEXT NOT NULL,
    target DOUBLE PRECISION NOT NULL,
    topic TEXT,
    placement_kind TEXT,
    campaign_id BIGINT REFERENCES campaigns (id) ON DELETE SET NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX goals_by_half_year ON goals (jobcenter_id, half_year, id);

-- Every target a goal has had: the first row is the target it was created with.
CREATE TABLE goal_targets (
    id INTEGER PRIMARY KEY,
    goal_id BIGINT NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    target DOUBLE PRECISION NOT NULL,
    changed_by BIGINT REFERENCES users (id),
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX goal_targets_goal ON goal_targets (goal_id, id);

-- The ministry's benchmark per year ('2023') or half-year ('2023-H1'); a period that was not
-- measured (2019: "Ikke opgjort pga. corona") keeps its note and no numbers.
CREATE TABLE benchmark_figures (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id),
    period TEXT NOT NULL,
    measured BOOLEAN NOT NULL,
    expected DOUBLE PRECISION,
    actual DOUBLE PRECISION,
    difference DOUBLE PRECISION,
    rank INTEGER,
    note TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX benchmark_figures_period ON benchmark_figures (jobcenter_id, period);

-- Dansk Industri's "Lokal Erhvervsvenlighed" per year: the overall rank, the rank in the
-- category "Arbejdskraft" and on the question about cooperation with the jobcenter.
CREATE TABLE di_rankings (
    id INTEGER PRIMARY KEY,
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id),
    year INTEGER NOT NULL,
    overall_rank INTEGER,
    workforce_rank INTEGER,
    cooperation_rank INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX di_rankings_year ON di_rankings (jobcenter_id, year);
