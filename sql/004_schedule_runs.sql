-- Scheduled mail (meeting link, reminders) is materialised when it comes due, for everyone
-- confirmed by then, instead of at sign-up: the opening rush then writes one outbox row per
-- sign-up, not one per scheduled mail. Each run is recorded so the job is done once per due time
-- (re-running it is harmless anyway: outbox rows are unique per registration and mail).
CREATE TABLE IF NOT EXISTS schedule_runs (
  event_id BIGINT UNSIGNED NOT NULL,
  dedupe_key VARCHAR(64) CHARACTER SET ascii NOT NULL,
  due_at DATETIME(6) NOT NULL,
  queued INT NOT NULL,
  done_at DATETIME(6) NOT NULL,
  PRIMARY KEY (event_id, dedupe_key, due_at)
) ENGINE=InnoDB;
