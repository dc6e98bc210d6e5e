-- Two counts are shown on every page or on the pages opened most: the open contact requests
-- (the navigation's badge, the inbox tabs) and a consultant's open follow-ups (the start
-- page, the follow-up page). Counted from their rows on every view, each walks hundreds of
-- index entries; these counters are kept by triggers instead, in the same transaction as the
-- change, so a count reads a handful of rows at any size.

-- Contact requests per (status, staff member assigned); assigned_to 0 stands for none.
CREATE TABLE contact_request_counts (
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    assigned_to BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (jobcenter_id, status, assigned_to)
);

-- Open follow-ups (a date set, not done) per consultant and day, and per consultant and month
-- (the month's first day). A count over a range of dates adds the whole months inside it and
-- the days of the months at its ends: a few dozen rows for any range.
CREATE TABLE follow_up_day_counts (
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL,
    day DATE NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (jobcenter_id, user_id, day)
);
CREATE TABLE follow_up_month_counts (
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL,
    month DATE NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (jobcenter_id, user_id, month)
);

INSERT INTO contact_request_counts (jobcenter_id, status, assigned_to, n)
    SELECT jobcenter_id, status, coalesce(assigned_to, 0), count(*)
    FROM contact_requests GROUP BY jobcenter_id, status, coalesce(assigned_to, 0);
INSERT INTO follow_up_day_counts (jobcenter_id, user_id, day, n)
    SELECT jobcenter_id, user_id, follow_up_on, count(*)
    FROM activities WHERE NOT follow_up_done AND follow_up_on IS NOT NULL
    GROUP BY jobcenter_id, user_id, follow_up_on;
INSERT INTO follow_up_month_counts (jobcenter_id, user_id, month, n)
    SELECT jobcenter_id, user_id, date_trunc('month', day)::date, sum(n)
    FROM follow_up_day_counts GROUP BY jobcenter_id, user_id, date_trunc('month', day)::date;

-- Each trigger changes at most two counter rows; when it changes two, it takes them in key
-- order, so two changes in opposite directions at once wait for each other, not deadlock.

CREATE FUNCTION contact_request_count_add(jc BIGINT, st TEXT, staff BIGINT, d BIGINT)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO contact_request_counts (jobcenter_id, status, assigned_to, n)
        VALUES (jc, st, coalesce(staff, 0), d)
        ON CONFLICT (jobcenter_id, status, assigned_to)
        DO UPDATE SET n = contact_request_counts.n + d;
$$;

CREATE FUNCTION contact_requests_count() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER contact_requests_count_insert_delete AFTER INSERT OR DELETE ON contact_requests
    FOR EACH ROW EXECUTE FUNCTION contact_requests_count();
CREATE TRIGGER contact_requests_count_update
    AFTER UPDATE OF jobcenter_id, status, assigned_to ON contact_requests
    FOR EACH ROW EXECUTE FUNCTION contact_requests_count();

-- Adds d to the month and the day of `on_day` when the follow-up is open. Rows are locked in
-- the order (month, day) — the month's row before its days' — in every change, and a change of
-- two days takes the earlier day first, so changes at once wait for each other, not deadlock.
CREATE FUNCTION follow_up_count_add(
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

CREATE FUNCTION activities_follow_up_count() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER activities_follow_up_count_insert AFTER INSERT ON activities
    FOR EACH ROW WHEN (NOT NEW.follow_up_done AND NEW.follow_up_on IS NOT NULL)
    EXECUTE FUNCTION activities_follow_up_count();
CREATE TRIGGER activities_follow_up_count_delete AFTER DELETE ON activities
    FOR EACH ROW WHEN (NOT OLD.follow_up_done AND OLD.follow_up_on IS NOT NULL)
    EXECUTE FUNCTION activities_follow_up_count();
CREATE TRIGGER activities_follow_up_count_update
    AFTER UPDATE OF jobcenter_id, user_id, follow_up_on, follow_up_done ON activities
    FOR EACH ROW
    WHEN ((NOT OLD.follow_up_done AND OLD.follow_up_on IS NOT NULL)
        OR (NOT NEW.follow_up_done AND NEW.follow_up_on IS NOT NULL))
    EXECUTE FUNCTION activities_follow_up_count();
