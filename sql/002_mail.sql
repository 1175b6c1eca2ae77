-- Mail: the outbox (every mail a row, written in the transaction that causes it), the key
-- mailed tokens are derived from, and each event's mail schedule.

-- Mailed tokens are HMAC(token key, kind:registration) so no token is ever stored; only their
-- SHA-256 is (registrations.manage_token_hash / join_token_hash), for lookup.
CREATE TABLE IF NOT EXISTS app_keys (
  name VARCHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  secret VARBINARY(64) NOT NULL
) ENGINE=InnoDB;

INSERT IGNORE INTO app_keys (name, secret) VALUES ('token', RANDOM_BYTES(32));

-- "meeting_link=172800;reminder:P1D=86400;reminder:PT1H=3600": seconds before the start.
ALTER TABLE events ADD COLUMN IF NOT EXISTS mail_schedule VARCHAR(1000) CHARACTER SET ascii NOT NULL DEFAULT '';

CREATE TABLE IF NOT EXISTS outbox (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  event_id BIGINT UNSIGNED NOT NULL,
  registration_public_id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  -- confirmation, waitlisted, promoted, cancellation, meeting_link, reminder, announcement
  kind VARCHAR(20) CHARACTER SET ascii NOT NULL,
  -- Unique per registration: a re-run or a crash never queues the same mail twice
  -- ("confirmation", "meeting_link", "reminder:P1D", "announcement:17").
  dedupe_key VARCHAR(64) CHARACTER SET ascii NOT NULL,
  announcement_id BIGINT UNSIGNED NULL,
  state ENUM('queued', 'sending', 'sent', 'failed', 'cancelled') NOT NULL DEFAULT 'queued',
  due_at DATETIME(6) NOT NULL,
  attempts INT NOT NULL DEFAULT 0,
  lease_until DATETIME(6) NULL,  -- a claimed row whose lease ran out is claimed again
  last_error VARCHAR(1000) NULL,
  created_at DATETIME(6) NOT NULL,
  sent_at DATETIME(6) NULL,
  UNIQUE KEY uq_outbox_dedupe (registration_public_id, dedupe_key),
  KEY ix_outbox_due (state, due_at),
  KEY ix_outbox_event (event_id, state)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS announcements (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  event_id BIGINT UNSIGNED NOT NULL,
  audience ENUM('confirmed', 'waitlisted', 'all') NOT NULL,
  subject_ja TEXT NOT NULL,
  subject_en TEXT NOT NULL,
  body_ja MEDIUMTEXT NOT NULL,
  body_en MEDIUMTEXT NOT NULL,
  created_at DATETIME(6) NOT NULL,
  recipients INT NOT NULL DEFAULT 0,
  KEY ix_announcements_event (event_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
