DROP TRIGGER activities_follow_up_count_update ON activities;
DROP TRIGGER activities_follow_up_count_delete ON activities;
-- src/db/triggers/postgres.sql counts new activities per statement instead.
DROP TRIGGER IF EXISTS activities_follow_up_count_insert ON activities;
DROP TRIGGER IF EXISTS activities_inserted ON activities;
DROP FUNCTION activities_follow_up_count();
DROP FUNCTION follow_up_count_add(BIGINT, BIGINT, DATE, BOOLEAN, BIGINT);
DROP TRIGGER contact_requests_count_update ON contact_requests;
-- Named so by this migration; src/db/triggers/postgres.sql makes them two.
DROP TRIGGER IF EXISTS contact_requests_count_insert_delete ON contact_requests;
DROP TRIGGER IF EXISTS contact_requests_count_insert ON contact_requests;
DROP TRIGGER IF EXISTS contact_requests_count_delete ON contact_requests;
DROP FUNCTION contact_requests_count();
DROP FUNCTION contact_request_count_add(BIGINT, TEXT, BIGINT, BIGINT);
DROP TABLE follow_up_month_counts;
DROP TABLE follow_up_day_counts;
DROP TABLE contact_request_counts;
