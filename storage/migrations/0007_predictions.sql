-- The predictions game (issue "During the show").
SELECT 1;
