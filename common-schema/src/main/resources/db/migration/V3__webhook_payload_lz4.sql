-- webhook_events.payload is compressed with lz4 instead of PostgreSQL's default pglz. Every delivery stores a
-- payload of several KB that is compressed on insert (TOAST) and rarely read again; perf over the ingest benchmark
-- showed pglz_compress as the largest single function in PostgreSQL's CPU profile (about an eighth of it), and
-- inserting the same payloads with lz4 took 55 us per row instead of 123 us. Only values written from now on use it.
-- A server built without lz4 (or older than PostgreSQL 14) keeps pglz, and says so.
DO $$
BEGIN
    ALTER TABLE webhook_events ALTER COLUMN payload SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR syntax_error THEN
    RAISE NOTICE 'webhook_events.payload keeps pglz: %', SQLERRM;
END
$$;
