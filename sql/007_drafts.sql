-- Events can be drafts: seen by organisers only until published.
ALTER TABLE events MODIFY visibility ENUM('public', 'unlisted', 'draft') NOT NULL DEFAULT 'public';
