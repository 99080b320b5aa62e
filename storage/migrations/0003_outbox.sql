-- The outbox: every post the bot decides on, stored with the decision (issue "Posts you can trust").
SELECT 1;
