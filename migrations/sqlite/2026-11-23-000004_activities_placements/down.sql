DROP TABLE calendar_feeds;
DROP TABLE placements;
DROP TABLE activities;
