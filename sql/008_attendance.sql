-- After the event: joins by the button (never by a GET: mail scanners open links), attendance
-- from the web-conference tools' reports, the opt-out from announcements.

-- first_joined_at (001) is the first press of the join button; these are the last one and how
-- many. minutes_attended and attended_from/until come from imported reports (NULL: no report
-- row matched this registration).
ALTER TABLE registrations
  ADD COLUMN IF NOT EXISTS last_joined_at DATETIME(6) NULL,
  ADD COLUMN IF NOT EXISTS join_count INT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS minutes_attended INT NULL,
  ADD COLUMN IF NOT EXISTS attended_from DATETIME(6) NULL,
  ADD COLUMN IF NOT EXISTS attended_until DATETIME(6) NULL,
  ADD COLUMN IF NOT EXISTS unsubscribed_at DATETIME(6) NULL;

-- One row per session of one person in a report. The key is the session itself (its times
-- and duration), so importing a report again, or another export of the same meeting, adds
-- nothing; minutes are computed from the union of a person's sessions (domain/attendance).
CREATE TABLE IF NOT EXISTS attendance_sessions (
  registration_id BIGINT UNSIGNED NOT NULL,
  session_key BINARY(32) NOT NULL,  -- SHA-256 of "joined|left|duration"
  joined_at DATETIME(6) NULL,
  left_at DATETIME(6) NULL,
  duration_seconds INT NOT NULL,
  PRIMARY KEY (registration_id, session_key),
  CONSTRAINT fk_attendance_registration FOREIGN KEY (registration_id) REFERENCES registrations (id)
) ENGINE=InnoDB;

-- Each import as the organiser sent it: what was read and what matched no registration.
CREATE TABLE IF NOT EXISTS attendance_imports (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  event_id BIGINT UNSIGNED NOT NULL,
  tool VARCHAR(10) CHARACTER SET ascii NOT NULL,
  content_sha256 CHAR(64) CHARACTER SET ascii NOT NULL,
  row_count INT NOT NULL,
  matched INT NOT NULL,
  unmatched MEDIUMTEXT NOT NULL,  -- JSON: [{"email", "name"}]
  imported_at DATETIME(6) NOT NULL,
  KEY ix_attendance_imports_event (event_id, imported_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Announcements may go to those who attended or did not.
ALTER TABLE announcements MODIFY audience ENUM('confirmed', 'waitlisted', 'all', 'attended', 'absent') NOT NULL;
