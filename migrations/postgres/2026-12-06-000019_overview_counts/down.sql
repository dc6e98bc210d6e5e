DROP TRIGGER IF EXISTS activities_overview_insert ON activities;
-- src/db/triggers/postgres.sql's statement trigger for new activities.
DROP TRIGGER IF EXISTS activities_inserted ON activities;
DROP TRIGGER IF EXISTS activities_overview_delete ON activities;
DROP TRIGGER IF EXISTS activities_overview_update ON activities;
DROP TRIGGER IF EXISTS companies_overview_insert ON companies;
DROP TRIGGER IF EXISTS companies_overview_delete ON companies;
DROP TRIGGER IF EXISTS companies_overview_update ON companies;
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
