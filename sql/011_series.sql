-- Dated series: an event may name the series it is one date of (its document's "series"). The
-- column copies it so SQL can list a series in start order without reading every document.
-- (010 is the approval work's number.)
ALTER TABLE events ADD COLUMN IF NOT EXISTS series_slug VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL;
CREATE INDEX IF NOT EXISTS ix_events_series ON events (series_slug, starts_at);
