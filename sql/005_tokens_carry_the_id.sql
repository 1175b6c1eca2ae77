-- Mailed tokens now carry the registration id and an HMAC over it (src/store/tokens.hpp), so a
-- token is checked by recomputing the HMAC and nothing about it is stored. The hash columns and
-- their two unique indexes on random values went on every sign-up's insert: they go.
ALTER TABLE registrations DROP COLUMN IF EXISTS manage_token_hash, DROP COLUMN IF EXISTS join_token_hash;
