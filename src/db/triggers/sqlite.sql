-- The triggers that keep derived data on SQLite, applied after every start's migrations
-- (db::run_migrations), so this file is where they are read and changed. Each is dropped and
-- created again; the write sites they follow say so in a comment. PostgreSQL's twins, with the
-- same names, are in postgres.sql.
--
-- Counters: the pages that are opened most show counts (open contact requests in the
-- navigation, a consultant's open follow-ups, a campaign's funnel and visits per week). They
-- are kept here in the same transaction as the change, so a count reads a handful of rows at
-- any size. The search index: companies_fts (FTS5, trigram) follows companies.search_text.

-- Campaign targets → campaign_status_counts and campaign_visit_counts (by campaign, consultant and status; by campaign and day visited).

DROP TRIGGER IF EXISTS campaign_targets_count_insert;
CREATE TRIGGER campaign_targets_count_insert AFTER INSERT ON campaign_targets
BEGIN
    INSERT INTO campaign_status_counts (campaign_id, assigned_to, status, n)
        VALUES (NEW.campaign_id, coalesce(NEW.assigned_to, 0), NEW.status, 1)
        ON CONFLICT (campaign_id, assigned_to, status) DO UPDATE SET n = n + 1;
    INSERT INTO campaign_visit_counts (campaign_id, visited_on, n)
        SELECT NEW.campaign_id, NEW.visited_on, 1 WHERE NEW.visited_on IS NOT NULL
        ON CONFLICT (campaign_id, visited_on) DO UPDATE SET n = n + 1;
END;

DROP TRIGGER IF EXISTS campaign_targets_count_delete;
CREATE TRIGGER campaign_targets_count_delete AFTER DELETE ON campaign_targets
BEGIN
    UPDATE campaign_status_counts SET n = n - 1
        WHERE campaign_id = OLD.campaign_id AND assigned_to = coalesce(OLD.assigned_to, 0)
            AND status = OLD.status;
    UPDATE campaign_visit_counts SET n = n - 1
        WHERE campaign_id = OLD.campaign_id AND visited_on = OLD.visited_on;
END;

DROP TRIGGER IF EXISTS campaign_targets_count_update;
CREATE TRIGGER campaign_targets_count_update
AFTER UPDATE OF campaign_id, assigned_to, status, visited_on ON campaign_targets
BEGIN
    UPDATE campaign_status_counts SET n = n - 1
        WHERE campaign_id = OLD.campaign_id AND assigned_to = coalesce(OLD.assigned_to, 0)
            AND status = OLD.status;
    UPDATE campaign_visit_counts SET n = n - 1
        WHERE campaign_id = OLD.campaign_id AND visited_on = OLD.visited_on;
    INSERT INTO campaign_status_counts (campaign_id, assigned_to, status, n)
        VALUES (NEW.campaign_id, coalesce(NEW.assigned_to, 0), NEW.status, 1)
        ON CONFLICT (campaign_id, assigned_to, status) DO UPDATE SET n = n + 1;
    INSERT INTO campaign_visit_counts (campaign_id, visited_on, n)
        SELECT NEW.campaign_id, NEW.visited_on, 1 WHERE NEW.visited_on IS NOT NULL
        ON CONFLICT (campaign_id, visited_on) DO UPDATE SET n = n + 1;
END;

-- Contact requests → contact_request_counts (status and assignee; assigned_to 0 is nobody). Activities → follow_up_day_counts and follow_up_month_counts (open follow-ups per consultant and day, and month).

DROP TRIGGER IF EXISTS contact_requests_count_insert;
CREATE TRIGGER contact_requests_count_insert AFTER INSERT ON contact_requests
BEGIN
    INSERT INTO contact_request_counts (jobcenter_id, status, assigned_to, n)
        VALUES (NEW.jobcenter_id, NEW.status, coalesce(NEW.assigned_to, 0), 1)
        ON CONFLICT (jobcenter_id, status, assigned_to) DO UPDATE SET n = n + 1;
END;

DROP TRIGGER IF EXISTS contact_requests_count_delete;
CREATE TRIGGER contact_requests_count_delete AFTER DELETE ON contact_requests
BEGIN
    UPDATE contact_request_counts SET n = n - 1
        WHERE jobcenter_id = OLD.jobcenter_id AND status = OLD.status
            AND assigned_to = coalesce(OLD.assigned_to, 0);
END;

DROP TRIGGER IF EXISTS contact_requests_count_update;
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

DROP TRIGGER IF EXISTS activities_follow_up_count_insert;
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

DROP TRIGGER IF EXISTS activities_follow_up_count_delete;
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

DROP TRIGGER IF EXISTS activities_follow_up_count_update;
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

-- Companies → companies_fts, the company search's trigram index (db::dialect::search_candidates).

DROP TRIGGER IF EXISTS companies_fts_insert;
CREATE TRIGGER companies_fts_insert AFTER INSERT ON companies BEGIN
    INSERT INTO companies_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;

DROP TRIGGER IF EXISTS companies_fts_delete;
CREATE TRIGGER companies_fts_delete AFTER DELETE ON companies BEGIN
    INSERT INTO companies_fts (companies_fts, rowid, search_text)
    VALUES ('delete', old.id, old.search_text);
END;

DROP TRIGGER IF EXISTS companies_fts_update;
CREATE TRIGGER companies_fts_update AFTER UPDATE OF search_text ON companies BEGIN
    INSERT INTO companies_fts (companies_fts, rowid, search_text)
    VALUES ('delete', old.id, old.search_text);
    INSERT INTO companies_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
