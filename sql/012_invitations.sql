-- Invitations: for events only for those invited (`eligibility.invitation_required`). A code
-- for an organisation (max_uses people, or any number) or for one person (email_key: that
-- address only), optionally until expires_at. `uses` counts the active registrations made with
-- it: taken in the admission transaction (behind the event's ledger row, so max_uses is exact),
-- given back when one is cancelled or declined.
CREATE TABLE IF NOT EXISTS invitations (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  event_id BIGINT UNSIGNED NOT NULL,
  code VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  organization VARCHAR(200) NOT NULL DEFAULT '',
  name VARCHAR(100) NOT NULL DEFAULT '',
  email VARCHAR(254) NULL,
  email_key VARCHAR(254) CHARACTER SET ascii COLLATE ascii_bin NULL,
  locale CHAR(2) CHARACTER SET ascii NOT NULL DEFAULT 'ja',
  max_uses INT NULL,
  uses INT NOT NULL DEFAULT 0,
  expires_at DATETIME(6) NULL,
  created_at DATETIME(6) NOT NULL,
  created_by VARCHAR(200) NOT NULL DEFAULT '',
  UNIQUE KEY uq_invitations_code (event_id, code),
  UNIQUE KEY uq_invitations_person (event_id, email_key),
  CONSTRAINT fk_invitations_event FOREIGN KEY (event_id) REFERENCES events (id),
  CONSTRAINT ck_invitations_uses CHECK (uses >= 0 AND (max_uses IS NULL OR uses <= max_uses))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE events ADD COLUMN IF NOT EXISTS invitation_required BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE registrations ADD COLUMN IF NOT EXISTS invitation_id BIGINT UNSIGNED NULL;
-- A personal invitation's mail has no registration yet: registration_public_id is '' and this
-- names the invitation.
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS invitation_id BIGINT UNSIGNED NULL;
