-- The organiser's own questions: each registration's answers as one JSON object
-- ({"<question id>": value}, codec/answers.hpp). NULL for a form without questions, so the
-- plain form writes nothing more per sign-up.
ALTER TABLE registrations ADD COLUMN IF NOT EXISTS answers MEDIUMTEXT NULL;
