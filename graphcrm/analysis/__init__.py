"""The analyses of docs/design.md §3: pure functions from account graphs to reports.

One module per question: ``coverage`` (pre-tender check), ``dependency`` (bus
factor, single holders, concentration), ``gaps`` (depth gaps by layer),
``influence`` (influence score, hidden influencers), ``paths`` (warm paths),
``departure`` (departure impact); ``depth`` holds the definitions they share.
None of them touches a database.
"""
