-- A sign-up's confirmation is owed by its registration row, not by an outbox row written in the
-- admission transaction: confirmation_owed is set when a sign-up is confirmed and nothing else
-- is mailed with it (a meeting link already due still queues both at once). The mail worker
-- queues the owed confirmations in the outbox (OutboxStore::queue_owed_confirmations), reading
-- each event's registrations by number from its mark: every number below the event's
-- next_number is committed (the two are written in one transaction), so the mark never passes
-- a row still being written. uq_outbox_dedupe keeps it to one confirmation per registration
-- however often, and on however many nodes, this runs.
ALTER TABLE registrations ADD COLUMN IF NOT EXISTS confirmation_owed BOOLEAN NOT NULL DEFAULT FALSE;
-- No foreign key on event_id: its check would wait on the event's ledger row.
CREATE TABLE IF NOT EXISTS confirmation_marks (
  event_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  queued_below INT NOT NULL
) ENGINE=InnoDB;
-- Registrations made before this were queued in their own transaction.
INSERT IGNORE INTO confirmation_marks (event_id, queued_below) SELECT id, next_number FROM events;
