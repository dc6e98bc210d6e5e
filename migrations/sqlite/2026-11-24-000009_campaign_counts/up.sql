-- A campaign's progress page shows how many of its companies stand at each status, per
-- consultant, and how many were visited by each week. Counted from the targets on every view,
-- that walks the whole list; these counters are kept by triggers on campaign_targets instead,
-- in the same transaction as the change, so the page reads a few dozen rows at any list size.

-- Targets per (consultant, status); assigned_to 0 stands for "not assigned" (ids start at 1).
CREATE TABLE campaign_status_counts (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    assigned_to BIGINT NOT NULL,
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, assigned_to, status)
) WITHOUT ROWID;

-- Targets first visited on each day.
CREATE TABLE campaign_visit_counts (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    visited_on DATE NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, visited_on)
) WITHOUT ROWID;

INSERT INTO campaign_status_counts (campaign_id, assigned_to, status, n)
    SELECT campaign_id, coalesce(assigned_to, 0), status, count(*)
    FROM campaign_targets GROUP BY campaign_id, coalesce(assigned_to, 0), status;
INSERT INTO campaign_visit_counts (campaign_id, visited_on, n)
    SELECT campaign_id, visited_on, count(*)
    FROM campaign_targets WHERE visited_on IS NOT NULL GROUP BY campaign_id, visited_on;

CREATE TRIGGER campaign_targets_count_insert AFTER INSERT ON campaign_targets
BEGIN
    INSERT INTO campaign_status_counts (campaign_id, assigned_to, status, n)
        VALUES (NEW.campaign_id, coalesce(NEW.assigned_to, 0), NEW.status, 1)
        ON CONFLICT (campaign_id, assigned_to, status) DO UPDATE SET n = n + 1;
    INSERT INTO campaign_visit_counts (campaign_id, visited_on, n)
        SELECT NEW.campaign_id, NEW.visited_on, 1 WHERE NEW.visited_on IS NOT NULL
        ON CONFLICT (campaign_id, visited_on) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER campaign_targets_count_delete AFTER DELETE ON campaign_targets
BEGIN
    UPDATE campaign_status_counts SET n = n - 1
        WHERE campaign_id = OLD.campaign_id AND assigned_to = coalesce(OLD.assigned_to, 0)
            AND status = OLD.status;
    UPDATE campaign_visit_counts SET n = n - 1
        WHERE campaign_id = OLD.campaign_id AND visited_on = OLD.visited_on;
END;

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
