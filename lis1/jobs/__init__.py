"""One lifecycle for every background job: queued → running (with a heartbeat) → succeeded |
failed. See `lis1.jobs.services` for the rules and `lis1.jobs.models.Job` for the fields."""
