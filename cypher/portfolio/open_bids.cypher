// Every open bid (not won, not lost) with its account: the portfolio links each account to them.
MATCH (a:Account)<-[:`FOR`]-(b:Bid)
WHERE NOT b.stage IN ['won', 'lost']
RETURN a.id AS account_id, b.id AS id, b.name AS name, b.stage AS stage, b.tender_date AS tender_date
ORDER BY account_id, tender_date, id
