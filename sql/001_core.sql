-- Events, registrations and the seat ledger. Times are UTC, DATETIME(6).
CREATE TABLE IF NOT EXISTS events (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  slug VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  -- The canonical event document (src/codec/event_document.hpp); the columns below are the
  -- parts SQL needs to see.
  document LONGTEXT NOT NULL,
  visibility ENUM('public', 'unlisted') NOT NULL DEFAULT 'public',
  starts_at DATETIME(6) NOT NULL,
  ends_at DATETIME(6) NOT NULL,
  -- The seat ledger: changed only in the transaction that inserts or cancels a registration.
  capacity INT NOT NULL,
  waitlist_enabled BOOLEAN NOT NULL DEFAULT FALSE,
  waitlist_capacity INT NOT NULL DEFAULT 0,
  confirmed_count INT NOT NULL DEFAULT 0,
  waitlisted_count INT NOT NULL DEFAULT 0,
  next_number INT NOT NULL DEFAULT 1,
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  UNIQUE KEY uq_events_slug (slug),
  CONSTRAINT ck_events_ledger CHECK (confirmed_count >= 0 AND confirmed_count <= capacity
                                     AND waitlisted_count >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS registrations (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  public_id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  event_id BIGINT UNSIGNED NOT NULL,
  number INT NOT NULL,
  status ENUM('confirmed', 'waitlisted', 'cancelled') NOT NULL,
  email VARCHAR(254) NOT NULL,
  -- The duplicate key: the address lower-cased while the registration is active, NULL once
  -- cancelled (so a person who cancelled may sign up again).
  email_key VARCHAR(254) CHARACTER SET ascii COLLATE ascii_bin NULL,
  name VARCHAR(100) NOT NULL,
  name_kana VARCHAR(100) NOT NULL DEFAULT '',
  organization VARCHAR(200) NOT NULL DEFAULT '',
  department VARCHAR(200) NOT NULL DEFAULT '',
  category VARCHAR(20) CHARACTER SET ascii NULL,
  phone VARCHAR(30) NOT NULL DEFAULT '',
  question TEXT NULL,
  locale CHAR(2) CHARACTER SET ascii NOT NULL DEFAULT 'ja',
  manage_token_hash BINARY(32) NULL,
  join_token_hash BINARY(32) NULL,
  registered_at DATETIME(6) NOT NULL,
  confirmed_at DATETIME(6) NULL,
  cancelled_at DATETIME(6) NULL,
  first_joined_at DATETIME(6) NULL,
  UNIQUE KEY uq_registrations_public_id (public_id),
  UNIQUE KEY uq_registrations_number (event_id, number),
  UNIQUE KEY uq_registrations_email (event_id, email_key),
  UNIQUE KEY uq_registrations_manage (manage_token_hash),
  UNIQUE KEY uq_registrations_join (join_token_hash),
  KEY ix_registrations_status (event_id, status, number),
  CONSTRAINT fk_registrations_event FOREIGN KEY (event_id) REFERENCES events (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The first answer to a sign-up sent with an Idempotency-Key, so a retry gets it again.
CREATE TABLE IF NOT EXISTS idempotency_keys (
  event_id BIGINT UNSIGNED NOT NULL,
  key_hash BINARY(32) NOT NULL,
  request_hash BINARY(32) NOT NULL,
  registration_public_id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  status ENUM('confirmed', 'waitlisted') NOT NULL,
  waitlist_position INT NOT NULL DEFAULT 0,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (event_id, key_hash),
  CONSTRAINT fk_idempotency_event FOREIGN KEY (event_id) REFERENCES events (id)
) ENGINE=InnoDB;
