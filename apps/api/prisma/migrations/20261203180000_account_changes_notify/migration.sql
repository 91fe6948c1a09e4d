-- Every API process hears at commit that an account was suspended or reinstated, to tell that account's own live
-- streams (the trader's screens show it at once, and stop or start sending orders).
CREATE FUNCTION "notify_account_changes"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('bolsa_accounts', NEW.id::text);
  RETURN NULL;
END $$;

CREATE TRIGGER "accounts_suspension_notify" AFTER UPDATE OF "suspended_at" ON "accounts"
  FOR EACH ROW WHEN (OLD.suspended_at IS DISTINCT FROM NEW.suspended_at)
  EXECUTE FUNCTION "notify_account_changes"();
