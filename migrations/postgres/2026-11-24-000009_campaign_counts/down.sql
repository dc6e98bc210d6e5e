DROP TRIGGER campaign_targets_count_update ON campaign_targets;
-- Named so by this migration; src/db/triggers/postgres.sql makes them two.
DROP TRIGGER IF EXISTS campaign_targets_count_insert_delete ON campaign_targets;
DROP TRIGGER IF EXISTS campaign_targets_count_insert ON campaign_targets;
DROP TRIGGER IF EXISTS campaign_targets_count_delete ON campaign_targets;
DROP FUNCTION campaign_targets_count();
DROP FUNCTION campaign_visit_count_add(BIGINT, DATE, BIGINT);
DROP FUNCTION campaign_status_count_add(BIGINT, BIGINT, TEXT, BIGINT);
DROP TABLE campaign_visit_counts;
DROP TABLE campaign_status_counts;
