-- The triggers that keep derived data on PostgreSQL, applied after every start's migrations
-- (db::run_migrations), so this file is where they are read and changed. Functions are
-- replaced and triggers dropped and created again; the write sites they follow say so in a
-- comment. SQLite's twins, with the same names, are in sqlite.sql. (The company search needs
-- no trigger here: the pg_trgm index follows companies.search_text by itself.)

-- Dropping a trigger locks its table: rather than queue every request behind a long
-- transaction of another instance, give up (and fail the start, to be retried) after a while.
SET LOCAL lock_timeout = '10s';

-- The names these triggers had before this file (an INSERT OR DELETE trigger each).
DROP TRIGGER IF EXISTS campaign_targets_count_insert_delete ON campaign_targets;
DROP TRIGGER IF EXISTS contact_requests_count_insert_delete ON contact_requests;

-- Campaign targets → campaign_status_counts and campaign_visit_counts.
CREATE OR REPLACE FUNCTION campaign_status_count_add(campaign BIGINT, consultant BIGINT, st TEXT, d BIGINT)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO campaign_status_counts (campaign_id, assigned_to, status, n)
        VALUES (campaign, coalesce(consultant, 0), st, d)
        ON CONFLICT (campaign_id, assigned_to, status)
        DO UPDATE SET n = campaign_status_counts.n + d;
$$;

CREATE OR REPLACE FUNCTION campaign_visit_count_add(campaign BIGINT, day DATE, d BIGINT)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO campaign_visit_counts (campaign_id, visited_on, n)
        SELECT campaign, day, d WHERE day IS NOT NULL
        ON CONFLICT (campaign_id, visited_on)
        DO UPDATE SET n = campaign_visit_counts.n + d;
$$;

CREATE OR REPLACE FUNCTION campaign_targets_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM campaign_status_count_add(NEW.campaign_id, NEW.assigned_to, NEW.status, 1);
        PERFORM campaign_visit_count_add(NEW.campaign_id, NEW.visited_on, 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM campaign_status_count_add(OLD.campaign_id, OLD.assigned_to, OLD.status, -1);
        PERFORM campaign_visit_count_add(OLD.campaign_id, OLD.visited_on, -1);
    ELSE
        IF (OLD.campaign_id, coalesce(OLD.assigned_to, 0), OLD.status)
            < (NEW.campaign_id, coalesce(NEW.assigned_to, 0), NEW.status) THEN
            PERFORM campaign_status_count_add(OLD.campaign_id, OLD.assigned_to, OLD.status, -1);
            PERFORM campaign_status_count_add(NEW.campaign_id, NEW.assigned_to, NEW.status, 1);
        ELSIF (OLD.campaign_id, coalesce(OLD.assigned_to, 0), OLD.status)
            > (NEW.campaign_id, coalesce(NEW.assigned_to, 0), NEW.status) THEN
            PERFORM campaign_status_count_add(NEW.campaign_id, NEW.assigned_to, NEW.status, 1);
            PERFORM campaign_status_count_add(OLD.campaign_id, OLD.assigned_to, OLD.status, -1);
        END IF;
        IF (OLD.campaign_id, OLD.visited_on) IS DISTINCT FROM (NEW.campaign_id, NEW.visited_on) THEN
            IF (OLD.campaign_id, coalesce(OLD.visited_on, '0001-01-01'))
                < (NEW.campaign_id, coalesce(NEW.visited_on, '0001-01-01')) THEN
                PERFORM campaign_visit_count_add(OLD.campaign_id, OLD.visited_on, -1);
                PERFORM campaign_visit_count_add(NEW.campaign_id, NEW.visited_on, 1);
            ELSE
                PERFORM campaign_visit_count_add(NEW.campaign_id, NEW.visited_on, 1);
                PERFORM campaign_visit_count_add(OLD.campaign_id, OLD.visited_on, -1);
            END IF;
        END IF;
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS campaign_targets_count_insert ON campaign_targets;
CREATE TRIGGER campaign_targets_count_insert AFTER INSERT ON campaign_targets
    FOR EACH ROW EXECUTE FUNCTION campaign_targets_count();
DROP TRIGGER IF EXISTS campaign_targets_count_delete ON campaign_targets;
CREATE TRIGGER campaign_targets_count_delete AFTER DELETE ON campaign_targets
    FOR EACH ROW EXECUTE FUNCTION campaign_targets_count();
DROP TRIGGER IF EXISTS campaign_targets_count_update ON campaign_targets;
CREATE TRIGGER campaign_targets_count_update
    AFTER UPDATE OF campaign_id, assigned_to, status, visited_on ON campaign_targets
    FOR EACH ROW EXECUTE FUNCTION campaign_targets_count();


-- Contact requests → contact_request_counts; activities → follow_up_day_counts and
-- follow_up_month_counts.

CREATE OR REPLACE FUNCTION contact_request_count_add(jc BIGINT, st TEXT, staff BIGINT, d BIGINT)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO contact_request_counts (jobcenter_id, status, assigned_to, n)
        VALUES (jc, st, coalesce(staff, 0), d)
        ON CONFLICT (jobcenter_id, status, assigned_to)
        DO UPDATE SET n = contact_request_counts.n + d;
$$;

CREATE OR REPLACE FUNCTION contact_requests_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM contact_request_count_add(NEW.jobcenter_id, NEW.status, NEW.assigned_to, 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM contact_request_count_add(OLD.jobcenter_id, OLD.status, OLD.assigned_to, -1);
    ELSIF (OLD.jobcenter_id, OLD.status, coalesce(OLD.assigned_to, 0))
        < (NEW.jobcenter_id, NEW.status, coalesce(NEW.assigned_to, 0)) THEN
        PERFORM contact_request_count_add(OLD.jobcenter_id, OLD.status, OLD.assigned_to, -1);
        PERFORM contact_request_count_add(NEW.jobcenter_id, NEW.status, NEW.assigned_to, 1);
    ELSIF (OLD.jobcenter_id, OLD.status, coalesce(OLD.assigned_to, 0))
        > (NEW.jobcenter_id, NEW.status, coalesce(NEW.assigned_to, 0)) THEN
        PERFORM contact_request_count_add(NEW.jobcenter_id, NEW.status, NEW.assigned_to, 1);
        PERFORM contact_request_count_add(OLD.jobcenter_id, OLD.status, OLD.assigned_to, -1);
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS contact_requests_count_insert ON contact_requests;
CREATE TRIGGER contact_requests_count_insert AFTER INSERT ON contact_requests
    FOR EACH ROW EXECUTE FUNCTION contact_requests_count();
DROP TRIGGER IF EXISTS contact_requests_count_delete ON contact_requests;
CREATE TRIGGER contact_requests_count_delete AFTER DELETE ON contact_requests
    FOR EACH ROW EXECUTE FUNCTION contact_requests_count();
DROP TRIGGER IF EXISTS contact_requests_count_update ON contact_requests;
CREATE TRIGGER contact_requests_count_update
    AFTER UPDATE OF jobcenter_id, status, assigned_to ON contact_requests
    FOR EACH ROW EXECUTE FUNCTION contact_requests_count();

-- Adds d to the month and the day of `on_day` when the follow-up is open. Rows are locked in
-- the order (month, day) — the month's row before its days' — in every change, and a change of
-- two days takes the earlier day first, so changes at once wait for each other, not deadlock.
CREATE OR REPLACE FUNCTION follow_up_count_add(
    jc BIGINT, consultant BIGINT, on_day DATE, done BOOLEAN, d BIGINT
) RETURNS void LANGUAGE sql AS $$
    INSERT INTO follow_up_month_counts (jobcenter_id, user_id, month, n)
        SELECT jc, consultant, date_trunc('month', on_day)::date, d
        WHERE on_day IS NOT NULL AND NOT done
        ON CONFLICT (jobcenter_id, user_id, month)
        DO UPDATE SET n = follow_up_month_counts.n + d;
    INSERT INTO follow_up_day_counts (jobcenter_id, user_id, day, n)
        SELECT jc, consultant, on_day, d
        WHERE on_day IS NOT NULL AND NOT done
        ON CONFLICT (jobcenter_id, user_id, day)
        DO UPDATE SET n = follow_up_day_counts.n + d;
$$;

CREATE OR REPLACE FUNCTION activities_follow_up_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM follow_up_count_add(
            NEW.jobcenter_id, NEW.user_id, NEW.follow_up_on, NEW.follow_up_done, 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM follow_up_count_add(
            OLD.jobcenter_id, OLD.user_id, OLD.follow_up_on, OLD.follow_up_done, -1);
    ELSIF (OLD.jobcenter_id, OLD.user_id, OLD.follow_up_on)
        <= (NEW.jobcenter_id, NEW.user_id, NEW.follow_up_on)
        OR NEW.follow_up_on IS NULL THEN
        PERFORM follow_up_count_add(
            OLD.jobcenter_id, OLD.user_id, OLD.follow_up_on, OLD.follow_up_done, -1);
        PERFORM follow_up_count_add(
            NEW.jobcenter_id, NEW.user_id, NEW.follow_up_on, NEW.follow_up_done, 1);
    ELSE
        PERFORM follow_up_count_add(
            NEW.jobcenter_id, NEW.user_id, NEW.follow_up_on, NEW.follow_up_done, 1);
        PERFORM follow_up_count_add(
            OLD.jobcenter_id, OLD.user_id, OLD.follow_up_on, OLD.follow_up_done, -1);
    END IF;
    RETURN NULL;
END
$$;

-- Only rows that are or were open follow-ups touch the counters.
DROP TRIGGER IF EXISTS activities_follow_up_count_insert ON activities;
CREATE TRIGGER activities_follow_up_count_insert AFTER INSERT ON activities
    FOR EACH ROW WHEN (NOT NEW.follow_up_done AND NEW.follow_up_on IS NOT NULL)
    EXECUTE FUNCTION activities_follow_up_count();
DROP TRIGGER IF EXISTS activities_follow_up_count_delete ON activities;
CREATE TRIGGER activities_follow_up_count_delete AFTER DELETE ON activities
    FOR EACH ROW WHEN (NOT OLD.follow_up_done AND OLD.follow_up_on IS NOT NULL)
    EXECUTE FUNCTION activities_follow_up_count();
DROP TRIGGER IF EXISTS activities_follow_up_count_update ON activities;
CREATE TRIGGER activities_follow_up_count_update
    AFTER UPDATE OF jobcenter_id, user_id, follow_up_on, follow_up_done ON activities
    FOR EACH ROW
    WHEN ((NOT OLD.follow_up_done AND OLD.follow_up_on IS NOT NULL)
        OR (NOT NEW.follow_up_done AND NEW.follow_up_on IS NOT NULL))
    EXECUTE FUNCTION activities_follow_up_count();
