-- Reminders and the Discord scheduled event (issue "Before the night").
SELECT 1;
