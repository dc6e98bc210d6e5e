DROP INDEX campaign_targets_by_name;
CREATE INDEX campaign_targets_by_name ON campaign_targets (campaign_id, company_name_search, company_id);
