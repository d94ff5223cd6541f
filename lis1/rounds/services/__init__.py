"""Domain workflows on the shared model: keyword-only, typed, transactional.

Row locks that serialise a workflow (an applicant's requests, a position's ranking, a round's
decisions) are taken with `select_for_update(no_key=True)` on the row itself (`of=("self",)`
when related rows are joined): FOR NO KEY UPDATE still excludes a second writer, but lets
other transactions insert rows that refer to the locked one. A plain FOR UPDATE made an
applicant saving a ranking and an employer moving a ranked applicant deadlock on each
other's foreign-key checks (found by bench/load_all_roles.py)."""
