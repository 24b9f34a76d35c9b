// How many activities (see activity/list).
MATCH (n:Activity)
WHERE ($bid_id = '' OR n.bid_id = $bid_id)
  AND ($unscoped OR n.account_id IN $scope)
RETURN count(*) AS n
