-- A halted instrument halted again with another reason keeps its halt and takes the new reason: every API process
-- hears of that change too, to send its streams a fresh ticker with it.
DROP TRIGGER "trading_halts_notify" ON "trading_halts";
CREATE TRIGGER "trading_halts_notify" AFTER INSERT OR UPDATE OR DELETE ON "trading_halts"
  FOR EACH ROW EXECUTE FUNCTION "notify_trading_halts"();
