-- The big screen: secret links to a party's live web page (issue "The big screen").
SELECT 1;
