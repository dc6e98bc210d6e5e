DROP INDEX campaigns_by_regional;
ALTER TABLE campaigns DROP COLUMN regional_campaign_id;
DROP TABLE regional_campaigns;
