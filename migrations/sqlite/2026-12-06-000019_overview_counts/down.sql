DROP TRIGGER IF EXISTS activities_overview_insert;
-- src/db/triggers/sqlite.sql's trigger for new activities.
DROP TRIGGER IF EXISTS activities_inserted;
DROP TRIGGER IF EXISTS activities_overview_delete;
DROP TRIGGER IF EXISTS activities_overview_update;
DROP TRIGGER IF EXISTS companies_overview_insert;
DROP TRIGGER IF EXISTS companies_overview_delete;
DROP TRIGGER IF EXISTS companies_overview_update;
DROP INDEX placements_active;
DROP INDEX placements_by_end;
DROP INDEX placements_started;
DROP INDEX companies_by_created;
DROP INDEX companies_by_status_contact;
DROP TABLE company_counts;
DROP TABLE contact_period_counts;
DROP TABLE company_contact_periods;
DROP TABLE activity_topic_month_counts;
DROP TABLE activity_month_counts;
DROP TABLE activity_day_counts;
