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

-- New activities are counted by activities_inserted, below (one trigger with PostgreSQL's name,
-- where it runs once per statement).
DROP TRIGGER IF EXISTS activities_follow_up_count_insert;

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

-- The manager's overview (migration 19, models::overview). Activities → activity_month_counts,
-- activity_day_counts, activity_topic_month_counts and company_contact_periods (one row per company and period with
-- activities: a month 'YYYY-MM', quarter 'YYYY-Qn', half-year 'YYYY-Hn' and year 'YYYY');
-- company_contact_periods → contact_period_counts; companies → company_counts and the
-- in_base mark of their contact periods. The topic list is models::activity::Topic's keys: a
-- new topic is added here too (PostgreSQL splits the stored list and needs no list).

DROP TRIGGER IF EXISTS activities_overview_insert;
DROP TRIGGER IF EXISTS activities_inserted;
CREATE TRIGGER activities_inserted AFTER INSERT ON activities
BEGIN
    INSERT INTO follow_up_day_counts (jobcenter_id, user_id, day, n)
        SELECT NEW.jobcenter_id, NEW.user_id, NEW.follow_up_on, 1
        WHERE NOT NEW.follow_up_done AND NEW.follow_up_on IS NOT NULL
        ON CONFLICT (jobcenter_id, user_id, day) DO UPDATE SET n = n + 1;
    INSERT INTO follow_up_month_counts (jobcenter_id, user_id, month, n)
        SELECT NEW.jobcenter_id, NEW.user_id, date(NEW.follow_up_on, 'start of month'), 1
        WHERE NOT NEW.follow_up_done AND NEW.follow_up_on IS NOT NULL
        ON CONFLICT (jobcenter_id, user_id, month) DO UPDATE SET n = n + 1;
    INSERT INTO activity_month_counts (jobcenter_id, month, user_id, kind, n)
        VALUES (NEW.jobcenter_id, date(NEW.occurred_on, 'start of month'), NEW.user_id, NEW.kind, 1)
        ON CONFLICT (jobcenter_id, month, user_id, kind) DO UPDATE SET n = n + 1;
    INSERT INTO activity_day_counts (jobcenter_id, day, kind, n)
        VALUES (NEW.jobcenter_id, NEW.occurred_on, NEW.kind, 1)
        ON CONFLICT (jobcenter_id, day, kind) DO UPDATE SET n = n + 1;
    INSERT INTO activity_topic_month_counts (jobcenter_id, month, kind, topic, n)
        SELECT NEW.jobcenter_id, date(NEW.occurred_on, 'start of month'), NEW.kind, t.column1, 1
        FROM (VALUES ('smaajob'), ('fleksjob'), ('praktik'), ('loentilskud'), ('recruitment'),
                     ('retention'), ('upskilling'), ('other')) t
        WHERE instr(NEW.topics, ',' || t.column1 || ',') > 0
        ON CONFLICT (jobcenter_id, month, kind, topic) DO UPDATE SET n = n + 1;
    INSERT INTO company_contact_periods (jobcenter_id, period, company_id, in_base, n)
        SELECT NEW.jobcenter_id, p.period, NEW.company_id,
            coalesce((SELECT employees IS NOT NULL AND status <> 'inactive'
                      FROM companies WHERE id = NEW.company_id), 0), 1
        FROM (SELECT strftime('%Y-%m', NEW.occurred_on) AS period
              UNION ALL SELECT strftime('%Y', NEW.occurred_on) || '-Q'
                  || ((CAST(strftime('%m', NEW.occurred_on) AS INTEGER) + 2) / 3)
              UNION ALL SELECT strftime('%Y', NEW.occurred_on) || '-H'
                  || ((CAST(strftime('%m', NEW.occurred_on) AS INTEGER) + 5) / 6)
              UNION ALL SELECT strftime('%Y', NEW.occurred_on)) p
        WHERE true
        ON CONFLICT (jobcenter_id, period, company_id) DO UPDATE SET n = n + 1;
END;

DROP TRIGGER IF EXISTS activities_overview_delete;
CREATE TRIGGER activities_overview_delete AFTER DELETE ON activities
BEGIN
    UPDATE activity_month_counts SET n = n - 1
        WHERE jobcenter_id = OLD.jobcenter_id AND month = date(OLD.occurred_on, 'start of month')
            AND user_id = OLD.user_id AND kind = OLD.kind;
    UPDATE activity_day_counts SET n = n - 1
        WHERE jobcenter_id = OLD.jobcenter_id AND day = OLD.occurred_on AND kind = OLD.kind;
    UPDATE activity_topic_month_counts SET n = n - 1
        WHERE jobcenter_id = OLD.jobcenter_id AND month = date(OLD.occurred_on, 'start of month')
            AND kind = OLD.kind AND instr(OLD.topics, ',' || topic || ',') > 0;
    UPDATE company_contact_periods SET n = n - 1
        WHERE jobcenter_id = OLD.jobcenter_id AND company_id = OLD.company_id
            AND period IN (strftime('%Y-%m', OLD.occurred_on),
                strftime('%Y', OLD.occurred_on) || '-Q'
                    || ((CAST(strftime('%m', OLD.occurred_on) AS INTEGER) + 2) / 3),
                strftime('%Y', OLD.occurred_on) || '-H'
                    || ((CAST(strftime('%m', OLD.occurred_on) AS INTEGER) + 5) / 6),
                strftime('%Y', OLD.occurred_on));
    DELETE FROM company_contact_periods
        WHERE jobcenter_id = OLD.jobcenter_id AND company_id = OLD.company_id AND n <= 0;
END;

-- A change of what is counted takes the old activity out and puts the new one in.
DROP TRIGGER IF EXISTS activities_overview_update;
CREATE TRIGGER activities_overview_update
AFTER UPDATE OF jobcenter_id, company_id, user_id, kind, occurred_on, topics ON activities
WHEN OLD.jobcenter_id IS NOT NEW.jobcenter_id OR OLD.company_id IS NOT NEW.company_id
    OR OLD.user_id IS NOT NEW.user_id OR OLD.kind IS NOT NEW.kind
    OR OLD.occurred_on IS NOT NEW.occurred_on OR OLD.topics IS NOT NEW.topics
BEGIN
    UPDATE activity_month_counts SET n = n - 1
        WHERE jobcenter_id = OLD.jobcenter_id AND month = date(OLD.occurred_on, 'start of month')
            AND user_id = OLD.user_id AND kind = OLD.kind;
    UPDATE activity_day_counts SET n = n - 1
        WHERE jobcenter_id = OLD.jobcenter_id AND day = OLD.occurred_on AND kind = OLD.kind;
    UPDATE activity_topic_month_counts SET n = n - 1
        WHERE jobcenter_id = OLD.jobcenter_id AND month = date(OLD.occurred_on, 'start of month')
            AND kind = OLD.kind AND instr(OLD.topics, ',' || topic || ',') > 0;
    UPDATE company_contact_periods SET n = n - 1
        WHERE jobcenter_id = OLD.jobcenter_id AND company_id = OLD.company_id
            AND period IN (strftime('%Y-%m', OLD.occurred_on),
                strftime('%Y', OLD.occurred_on) || '-Q'
                    || ((CAST(strftime('%m', OLD.occurred_on) AS INTEGER) + 2) / 3),
                strftime('%Y', OLD.occurred_on) || '-H'
                    || ((CAST(strftime('%m', OLD.occurred_on) AS INTEGER) + 5) / 6),
                strftime('%Y', OLD.occurred_on));
    DELETE FROM company_contact_periods
        WHERE jobcenter_id = OLD.jobcenter_id AND company_id = OLD.company_id AND n <= 0;
    INSERT INTO activity_month_counts (jobcenter_id, month, user_id, kind, n)
        VALUES (NEW.jobcenter_id, date(NEW.occurred_on, 'start of month'), NEW.user_id, NEW.kind, 1)
        ON CONFLICT (jobcenter_id, month, user_id, kind) DO UPDATE SET n = n + 1;
    INSERT INTO activity_day_counts (jobcenter_id, day, kind, n)
        VALUES (NEW.jobcenter_id, NEW.occurred_on, NEW.kind, 1)
        ON CONFLICT (jobcenter_id, day, kind) DO UPDATE SET n = n + 1;
    INSERT INTO activity_topic_month_counts (jobcenter_id, month, kind, topic, n)
        SELECT NEW.jobcenter_id, date(NEW.occurred_on, 'start of month'), NEW.kind, t.column1, 1
        FROM (VALUES ('smaajob'), ('fleksjob'), ('praktik'), ('loentilskud'), ('recruitment'),
                     ('retention'), ('upskilling'), ('other')) t
        WHERE instr(NEW.topics, ',' || t.column1 || ',') > 0
        ON CONFLICT (jobcenter_id, month, kind, topic) DO UPDATE SET n = n + 1;
    INSERT INTO company_contact_periods (jobcenter_id, period, company_id, in_base, n)
        SELECT NEW.jobcenter_id, p.period, NEW.company_id,
            coalesce((SELECT employees IS NOT NULL AND status <> 'inactive'
                      FROM companies WHERE id = NEW.company_id), 0), 1
        FROM (SELECT strftime('%Y-%m', NEW.occurred_on) AS period
              UNION ALL SELECT strftime('%Y', NEW.occurred_on) || '-Q'
                  || ((CAST(strftime('%m', NEW.occurred_on) AS INTEGER) + 2) / 3)
              UNION ALL SELECT strftime('%Y', NEW.occurred_on) || '-H'
                  || ((CAST(strftime('%m', NEW.occurred_on) AS INTEGER) + 5) / 6)
              UNION ALL SELECT strftime('%Y', NEW.occurred_on)) p
        WHERE true
        ON CONFLICT (jobcenter_id, period, company_id) DO UPDATE SET n = n + 1;
END;

DROP TRIGGER IF EXISTS company_contact_periods_count_insert;
CREATE TRIGGER company_contact_periods_count_insert AFTER INSERT ON company_contact_periods
BEGIN
    INSERT INTO contact_period_counts (jobcenter_id, period, companies, in_base)
        VALUES (NEW.jobcenter_id, NEW.period, 1, NEW.in_base)
        ON CONFLICT (jobcenter_id, period)
        DO UPDATE SET companies = companies + 1, in_base = in_base + excluded.in_base;
END;

DROP TRIGGER IF EXISTS company_contact_periods_count_delete;
CREATE TRIGGER company_contact_periods_count_delete AFTER DELETE ON company_contact_periods
BEGIN
    UPDATE contact_period_counts SET companies = companies - 1, in_base = in_base - OLD.in_base
        WHERE jobcenter_id = OLD.jobcenter_id AND period = OLD.period;
END;

DROP TRIGGER IF EXISTS company_contact_periods_count_update;
CREATE TRIGGER company_contact_periods_count_update
AFTER UPDATE OF in_base ON company_contact_periods
WHEN OLD.in_base <> NEW.in_base
BEGIN
    UPDATE contact_period_counts SET in_base = in_base + NEW.in_base - OLD.in_base
        WHERE jobcenter_id = NEW.jobcenter_id AND period = NEW.period;
END;

DROP TRIGGER IF EXISTS companies_overview_insert;
CREATE TRIGGER companies_overview_insert AFTER INSERT ON companies
BEGIN
    INSERT INTO company_counts (jobcenter_id, status, has_employees, has_fixed_contact, n)
        VALUES (NEW.jobcenter_id, NEW.status, NEW.employees IS NOT NULL,
                NEW.fixed_contact_id IS NOT NULL, 1)
        ON CONFLICT (jobcenter_id, status, has_employees, has_fixed_contact)
        DO UPDATE SET n = n + 1;
END;

DROP TRIGGER IF EXISTS companies_overview_delete;
CREATE TRIGGER companies_overview_delete AFTER DELETE ON companies
BEGIN
    UPDATE company_counts SET n = n - 1
        WHERE jobcenter_id = OLD.jobcenter_id AND status = OLD.status
            AND has_employees = (OLD.employees IS NOT NULL)
            AND has_fixed_contact = (OLD.fixed_contact_id IS NOT NULL);
END;

DROP TRIGGER IF EXISTS companies_overview_update;
CREATE TRIGGER companies_overview_update
AFTER UPDATE OF jobcenter_id, status, employees, fixed_contact_id ON companies
WHEN OLD.jobcenter_id IS NOT NEW.jobcenter_id OR OLD.status IS NOT NEW.status
    OR (OLD.employees IS NULL) <> (NEW.employees IS NULL)
    OR (OLD.fixed_contact_id IS NULL) <> (NEW.fixed_contact_id IS NULL)
BEGIN
    UPDATE company_counts SET n = n - 1
        WHERE jobcenter_id = OLD.jobcenter_id AND status = OLD.status
            AND has_employees = (OLD.employees IS NOT NULL)
            AND has_fixed_contact = (OLD.fixed_contact_id IS NOT NULL);
    INSERT INTO company_counts (jobcenter_id, status, has_employees, has_fixed_contact, n)
        VALUES (NEW.jobcenter_id, NEW.status, NEW.employees IS NOT NULL,
                NEW.fixed_contact_id IS NOT NULL, 1)
        ON CONFLICT (jobcenter_id, status, has_employees, has_fixed_contact)
        DO UPDATE SET n = n + 1;
    UPDATE company_contact_periods
        SET in_base = (NEW.employees IS NOT NULL AND NEW.status <> 'inactive')
        WHERE company_id = NEW.id
            AND in_base <> (NEW.employees IS NOT NULL AND NEW.status <> 'inactive');
END;

-- Recruitment needs → need_month_counts (migration 27, models::need::Need::figures): needs per
-- month received, status, kind and consultant, with their positions and referrals. A need's
-- referrals move with it when its status changes. A need is taken out BEFORE it is deleted:
-- its referrals are still there to be counted, and the ones deleted with it afterwards (ON
-- DELETE CASCADE) find no need and change nothing.

DROP TRIGGER IF EXISTS needs_count_insert;
CREATE TRIGGER needs_count_insert AFTER INSERT ON needs
BEGIN
    INSERT INTO need_month_counts
        (jobcenter_id, month, status, kind, user_id, needs, positions, referrals)
        VALUES (NEW.jobcenter_id, date(NEW.received_on, 'start of month'), NEW.status,
                NEW.kind, NEW.user_id, 1, NEW.positions, 0)
        ON CONFLICT (jobcenter_id, month, status, kind, user_id)
        DO UPDATE SET needs = needs + 1, positions = positions + excluded.positions;
END;

DROP TRIGGER IF EXISTS needs_count_delete;
CREATE TRIGGER needs_count_delete BEFORE DELETE ON needs
BEGIN
    UPDATE need_month_counts SET needs = needs - 1, positions = positions - OLD.positions,
            referrals = referrals - (SELECT count(*) FROM referrals WHERE need_id = OLD.id)
        WHERE jobcenter_id = OLD.jobcenter_id
            AND month = date(OLD.received_on, 'start of month') AND status = OLD.status
            AND kind = OLD.kind AND user_id = OLD.user_id;
END;

DROP TRIGGER IF EXISTS needs_count_update;
CREATE TRIGGER needs_count_update
AFTER UPDATE OF jobcenter_id, received_on, status, kind, user_id, positions ON needs
WHEN OLD.jobcenter_id <> NEW.jobcenter_id OR OLD.received_on <> NEW.received_on
    OR OLD.status <> NEW.status OR OLD.kind <> NEW.kind OR OLD.user_id <> NEW.user_id
    OR OLD.positions <> NEW.positions
BEGIN
    UPDATE need_month_counts SET needs = needs - 1, positions = positions - OLD.positions,
            referrals = referrals - (SELECT count(*) FROM referrals WHERE need_id = OLD.id)
        WHERE jobcenter_id = OLD.jobcenter_id
            AND month = date(OLD.received_on, 'start of month') AND status = OLD.status
            AND kind = OLD.kind AND user_id = OLD.user_id;
    INSERT INTO need_month_counts
        (jobcenter_id, month, status, kind, user_id, needs, positions, referrals)
        VALUES (NEW.jobcenter_id, date(NEW.received_on, 'start of month'), NEW.status,
                NEW.kind, NEW.user_id, 1, NEW.positions,
                (SELECT count(*) FROM referrals WHERE need_id = NEW.id))
        ON CONFLICT (jobcenter_id, month, status, kind, user_id)
        DO UPDATE SET needs = needs + 1, positions = positions + excluded.positions,
            referrals = referrals + excluded.referrals;
END;

DROP TRIGGER IF EXISTS referrals_count_insert;
CREATE TRIGGER referrals_count_insert AFTER INSERT ON referrals
BEGIN
    UPDATE need_month_counts SET referrals = referrals + 1
        WHERE (jobcenter_id, month, status, kind, user_id) = (
            SELECT jobcenter_id, date(received_on, 'start of month'), status, kind, user_id
            FROM needs WHERE id = NEW.need_id);
END;

DROP TRIGGER IF EXISTS referrals_count_delete;
CREATE TRIGGER referrals_count_delete AFTER DELETE ON referrals
BEGIN
    UPDATE need_month_counts SET referrals = referrals - 1
        WHERE (jobcenter_id, month, status, kind, user_id) = (
            SELECT jobcenter_id, date(received_on, 'start of month'), status, kind, user_id
            FROM needs WHERE id = OLD.need_id);
END;

DROP TRIGGER IF EXISTS referrals_count_update;
CREATE TRIGGER referrals_count_update AFTER UPDATE OF need_id ON referrals
WHEN OLD.need_id <> NEW.need_id
BEGIN
    UPDATE need_month_counts SET referrals = referrals - 1
        WHERE (jobcenter_id, month, status, kind, user_id) = (
            SELECT jobcenter_id, date(received_on, 'start of month'), status, kind, user_id
            FROM needs WHERE id = OLD.need_id);
    UPDATE need_month_counts SET referrals = referrals + 1
        WHERE (jobcenter_id, month, status, kind, user_id) = (
            SELECT jobcenter_id, date(received_on, 'start of month'), status, kind, user_id
            FROM needs WHERE id = NEW.need_id);
END;
