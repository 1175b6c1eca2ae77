-- Organiser tools: personal-data retention.
ALTER TABLE events ADD COLUMN IF NOT EXISTS purged_at DATETIME(6) NULL;
