DROP TABLE cluster_members;
DROP TABLE clusters;
