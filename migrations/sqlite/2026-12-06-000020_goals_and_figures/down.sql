DROP TABLE di_rankings;
DROP TABLE benchmark_figures;
DROP TABLE goal_targets;
DROP TABLE goals;
