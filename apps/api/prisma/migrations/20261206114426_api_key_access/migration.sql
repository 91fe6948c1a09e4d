-- What an API key may do: 'trade' (everything its account may, as every key before) or 'read' (GET requests only).
ALTER TABLE "api_keys" ADD COLUMN     "access" TEXT NOT NULL DEFAULT 'trade';
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_access_check" CHECK ("access" IN ('trade', 'read'));
