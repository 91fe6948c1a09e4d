-- Every API process hears at commit that an API key changed (revoked, by the trader, an administrator or an
-- operator's own SQL) or was deleted, and forgets what it had read of it: a revoked key stops at once everywhere,
-- not when each process's copy of it grows old.
CREATE FUNCTION "notify_api_keys"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('bolsa_api_keys', OLD.id::text);
  RETURN NULL;
END $$;

CREATE TRIGGER "api_keys_notify" AFTER UPDATE OR DELETE ON "api_keys"
  FOR EACH ROW EXECUTE FUNCTION "notify_api_keys"();
