DROP TABLE campaign_targets;
DROP TABLE campaign_consultants;
DROP TABLE campaigns;
