-- Approval: events with `registration.approval: required` take sign-ups as `pending` (a
-- number, no seat) until an organiser approves (a seat, or the waitlist) or declines them.
-- Appending ENUM values changes only the table's metadata (no rebuild of the rows).
ALTER TABLE events ADD COLUMN IF NOT EXISTS approval_required BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE registrations MODIFY status
  ENUM('confirmed', 'waitlisted', 'cancelled', 'pending', 'declined') NOT NULL;
ALTER TABLE idempotency_keys MODIFY status ENUM('confirmed', 'waitlisted', 'pending') NOT NULL;
-- When the organiser decided, and what a declined person was told beyond the event's own
-- message ({"ja","en"} JSON; NULL: the event's message alone).
ALTER TABLE registrations ADD COLUMN IF NOT EXISTS decided_at DATETIME(6) NULL;
ALTER TABLE registrations ADD COLUMN IF NOT EXISTS decline_message TEXT NULL;
