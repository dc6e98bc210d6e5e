DROP TABLE visit_summaries;
DROP TABLE texts;
