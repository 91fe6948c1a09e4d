-- What a session was started from (the browser's User-Agent and the client's address at login), so that its owner
-- can tell the sessions of the account apart and end one that is not theirs.
ALTER TABLE "sessions" ADD COLUMN     "address" TEXT,
ADD COLUMN     "user_agent" TEXT;
