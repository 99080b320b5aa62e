-- Running it for real: privacy and operations (issue "Running it for real").
SELECT 1;
