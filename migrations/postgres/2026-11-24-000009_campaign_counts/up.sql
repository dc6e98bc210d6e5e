-- A campaign's progress page shows how many of its companies stand at each status, per
-- consultant, and how many were visited by each week. Counted from the targets on every view,
-- that walks the whole list; these counters are kept by a trigger on campaign_targets instead,
-- in the same transaction as the change, so the page reads a few dozen rows at any list size.

-- Targets per (consultant, status); assigned_to 0 stands for "not assigned" (ids start at 1).
CREATE TABLE campaign_status_counts (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    assigned_to BIGINT NOT NULL,
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, assigned_to, status)
);

-- Targets first visited on each day.
CREATE TABLE campaign_visit_counts (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    visited_on DATE NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, visited_on)
);

INSERT INTO campaign_status_counts (campaign_id, assigned_to, status, n)
    SELECT campaign_id, coalesce(assigned_to, 0), status, count(*)
    FROM campaign_targets GROUP BY campaign_id, coalesce(assigned_to, 0), status;
INSERT INTO campaign_visit_counts (campaign_id, visited_on, n)
    SELECT campaign_id, visited_on, count(*)
    FROM campaign_targets WHERE visited_on IS NOT NULL GROUP BY campaign_id, visited_on;

-- Each change takes one from the counter of the old values and adds one to that of the new.
-- The two counter rows are always locked in key order (and status before visits), so two
-- changes in opposite directions at once wait for each other rather than deadlock.
CREATE FUNCTION campaign_status_count_add(campaign BIGINT, consultant BIGINT, st TEXT, d BIGINT)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO campaign_status_counts (campaign_id, assigned_to, status, n)
        VALUES (campaign, coalesce(consultant, 0), st, d)
        ON CONFLICT (campaign_id, assigned_to, status)
        DO UPDATE SET n = campaign_status_counts.n + d;
$$;

CREATE FUNCTION campaign_visit_count_add(campaign BIGINT, day DATE, d BIGINT)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO campaign_visit_counts (campaign_id, visited_on, n)
        SELECT campaign, day, d WHERE day IS NOT NULL
        ON CONFLICT (campaign_id, visited_on)
        DO UPDATE SET n = campaign_visit_counts.n + d;
$$;

CREATE FUNCTION campaign_targets_count() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER campaign_targets_count_insert_delete AFTER INSERT OR DELETE ON campaign_targets
    FOR EACH ROW EXECUTE FUNCTION campaign_targets_count();
CREATE TRIGGER campaign_targets_count_update
    AFTER UPDATE OF campaign_id, assigned_to, status, visited_on ON campaign_targets
    FOR EACH ROW EXECUTE FUNCTION campaign_targets_count();
