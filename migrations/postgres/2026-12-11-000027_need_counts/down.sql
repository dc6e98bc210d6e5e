DROP TABLE need_month_counts;
