-- Every API process hears at commit that a trading day was closed (or a close undone), to send its streams fresh
-- tickers: the session their open, high, low and volume sum begins at the last close.
CREATE FUNCTION "notify_market_sessions"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('bolsa_sessions', COALESCE(NEW.trading_day, OLD.trading_day)::text);
  RETURN NULL;
END $$;

CREATE TRIGGER "market_sessions_notify" AFTER INSERT OR DELETE OR UPDATE OF "closed_at", "closes_until"
  ON "market_sessions" FOR EACH ROW EXECUTE FUNCTION "notify_market_sessions"();
