-- Organiser accounts, their sessions, API tokens for automation, and the audit trail.

-- Events a user or token may act on are named by slug ("a,b"); empty means every event
-- (only owners are created that way by default). Slugs never contain a comma.
CREATE TABLE IF NOT EXISTS organiser_users (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(254) NOT NULL,
  -- Lower-cased address: one account per address whatever its case.
  email_key VARCHAR(254) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  role ENUM('owner', 'editor', 'viewer') NOT NULL,
  event_slugs VARCHAR(2000) CHARACTER SET ascii NOT NULL DEFAULT '',
  password_hash VARCHAR(200) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,  -- argon2id, encoded
  totp_secret VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,         -- base32
  totp_last_step BIGINT NULL,  -- the last 30-second step accepted: a code works once
  disabled_at DATETIME(6) NULL,
  created_at DATETIME(6) NOT NULL,
  UNIQUE KEY organiser_users_email (email_key)
) ENGINE=InnoDB;

-- The cookie is 256 random bits; only its SHA-256 is stored, so a read of this table signs
-- no one in. Sessions live here, not in memory, so every service behind a proxy sees them.
CREATE TABLE IF NOT EXISTS organiser_sessions (
  id_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,  -- SHA-256, hex
  user_id BIGINT UNSIGNED NOT NULL,
  csrf_token CHAR(43) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  created_at DATETIME(6) NOT NULL,
  last_seen_at DATETIME(6) NOT NULL,
  ended_at DATETIME(6) NULL,
  client VARCHAR(64) CHARACTER SET ascii NOT NULL DEFAULT '',
  KEY organiser_sessions_user (user_id)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS api_tokens (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  token_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,  -- SHA-256, hex
  name VARCHAR(200) NOT NULL,
  role ENUM('owner', 'editor', 'viewer') NOT NULL,
  event_slugs VARCHAR(2000) CHARACTER SET ascii NOT NULL DEFAULT '',
  expires_at DATETIME(6) NULL,
  created_at DATETIME(6) NOT NULL,
  created_by VARCHAR(300) NOT NULL,
  revoked_at DATETIME(6) NULL,
  UNIQUE KEY api_tokens_hash (token_hash)
) ENGINE=InnoDB;

-- Append-only: the code has no UPDATE or DELETE for it, and the purge leaves it alone.
CREATE TABLE IF NOT EXISTS audit_log (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  at DATETIME(6) NOT NULL,
  actor VARCHAR(300) NOT NULL,
  action VARCHAR(40) CHARACTER SET ascii NOT NULL,
  event_slug VARCHAR(100) NULL,
  target VARCHAR(300) NULL,
  client VARCHAR(64) CHARACTER SET ascii NOT NULL DEFAULT '',
  detail TEXT NULL,  -- JSON
  KEY audit_log_at (at),
  KEY audit_log_event (event_slug, at)
) ENGINE=InnoDB;
