DROP TRIGGER activities_follow_up_count_update;
DROP TRIGGER activities_follow_up_count_delete;
-- src/db/triggers/sqlite.sql counts new activities in activities_inserted instead.
DROP TRIGGER IF EXISTS activities_follow_up_count_insert;
DROP TRIGGER IF EXISTS activities_inserted;
DROP TRIGGER contact_requests_count_update;
DROP TRIGGER contact_requests_count_delete;
DROP TRIGGER contact_requests_count_insert;
DROP TABLE follow_up_month_counts;
DROP TABLE follow_up_day_counts;
DROP TABLE contact_request_counts;
