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
) WITHOUT ROWID;

-- Open follow-ups (a date set, not done) per consultant and day, and per consultant and month
-- (the month's first day). A count over a range of dates adds the whole months inside it and
-- the days of the months at its ends: a few dozen rows for any range.
CREATE TABLE follow_up_day_counts (
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL,
    day DATE NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (jobcenter_id, user_id, day)
) WITHOUT ROWID;
CREATE TABLE follow_up_month_counts (
    jobcenter_id BIGINT NOT NULL REFERENCES jobcenters (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL,
    month DATE NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (jobcenter_id, user_id, month)
) WITHOUT ROWID;

INSERT INTO contact_request_counts (jobcenter_id, status, assigned_to, n)
    SELECT jobcenter_id, status, coalesce(assigned_to, 0), count(*)
    FROM contact_requests GROUP BY jobcenter_id, status, coalesce(assigned_to, 0);
INSERT INTO follow_up_day_counts (jobcenter_id, user_id, day, n)
    SELECT jobcenter_id, user_id, follow_up_on, count(*)
    FROM activities WHERE NOT follow_up_done AND follow_up_on IS NOT NULL
    GROUP BY jobcenter_id, user_id, follow_up_on;
INSERT INTO follow_up_month_counts (jobcenter_id, user_id, month, n)
    SELECT jobcenter_id, user_id, date(day, 'start of month'), sum(n)
    FROM follow_up_day_counts GROUP BY jobcenter_id, user_id, date(day, 'start of month');

CREATE TRIGGER contact_requests_count_insert AFTER INSERT ON contact_requests
BEGIN
    INSERT INTO contact_request_counts (jobcenter_id, status, assigned_to, n)
        VALUES (NEW.jobcenter_id, NEW.status, coalesce(NEW.assigned_to, 0), 1)
        ON CONFLICT (jobcenter_id, status, assigned_to) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER contact_requests_count_delete AFTER DELETE ON contact_requests
BEGIN
    UPDATE contact_request_counts SET n = n - 1
        WHERE jobcenter_id = OLD.jobcenter_id AND status = OLD.status
            AND assigned_to = coalesce(OLD.assigned_to, 0);
END;

CREATE TRIGGER contact_requests_count_update
AFTER UPDATE OF jobcenter_id, status, assigned_to ON contact_requests
BEGIN
    UPDATE contact_request_counts SET n = n - 1
        WHERE jobcenter_id = OLD.jobcenter_id AND status = OLD.status
            AND assigned_to = coalesce(OLD.assigned_to, 0);
    INSERT INTO contact_request_counts (jobcenter_id, status, assigned_to, n)
        VALUES (NEW.jobcenter_id, NEW.status, coalesce(NEW.assigned_to, 0), 1)
        ON CONFLICT (jobcenter_id, status, assigned_to) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER activities_follow_up_count_insert AFTER INSERT ON activities
WHEN NOT NEW.follow_up_done AND NEW.follow_up_on IS NOT NULL
BEGIN
    INSERT INTO follow_up_day_counts (jobcenter_id, user_id, day, n)
        VALUES (NEW.jobcenter_id, NEW.user_id, NEW.follow_up_on, 1)
        ON CONFLICT (jobcenter_id, user_id, day) DO UPDATE SET n = n + 1;
    INSERT INTO follow_up_month_counts (jobcenter_id, user_id, month, n)
        VALUES (NEW.jobcenter_id, NEW.user_id, date(NEW.follow_up_on, 'start of month'), 1)
        ON CONFLICT (jobcenter_id, user_id, month) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER activities_follow_up_count_delete AFTER DELETE ON activities
WHEN NOT OLD.follow_up_done AND OLD.follow_up_on IS NOT NULL
BEGIN
    UPDATE follow_up_day_counts SET n = n - 1
        WHERE jobcenter_id = OLD.jobcenter_id AND user_id = OLD.user_id
            AND day = OLD.follow_up_on;
    UPDATE follow_up_month_counts SET n = n - 1
        WHERE jobcenter_id = OLD.jobcenter_id AND user_id = OLD.user_id
            AND month = date(OLD.follow_up_on, 'start of month');
END;

CREATE TRIGGER activities_follow_up_count_update
AFTER UPDATE OF jobcenter_id, user_id, follow_up_on, follow_up_done ON activities
BEGIN
    UPDATE follow_up_day_counts SET n = n - 1
        WHERE NOT OLD.follow_up_done AND OLD.follow_up_on IS NOT NULL
            AND jobcenter_id = OLD.jobcenter_id AND user_id = OLD.user_id
            AND day = OLD.follow_up_on;
    UPDATE follow_up_month_counts SET n = n - 1
        WHERE NOT OLD.follow_up_done AND OLD.follow_up_on IS NOT NULL
            AND jobcenter_id = OLD.jobcenter_id AND user_id = OLD.user_id
            AND month = date(OLD.follow_up_on, 'start of month');
    INSERT INTO follow_up_day_counts (jobcenter_id, user_id, day, n)
        SELECT NEW.jobcenter_id, NEW.user_id, NEW.follow_up_on, 1
        WHERE NOT NEW.follow_up_done AND NEW.follow_up_on IS NOT NULL
        ON CONFLICT (jobcenter_id, user_id, day) DO UPDATE SET n = n + 1;
    INSERT INTO follow_up_month_counts (jobcenter_id, user_id, month, n)
        SELECT NEW.jobcenter_id, NEW.user_id, date(NEW.follow_up_on, 'start of month'), 1
        WHERE NOT NEW.follow_up_done AND NEW.follow_up_on IS NOT NULL
        ON CONFLICT (jobcenter_id, user_id, month) DO UPDATE SET n = n + 1;
END;
