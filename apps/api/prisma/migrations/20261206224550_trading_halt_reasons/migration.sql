-- Why an instrument is halted, as the administrator said: every trader's ticker carries it. Halts recorded before
-- have none.
-- AlterTable
ALTER TABLE "trading_halts" ADD COLUMN     "reason" TEXT;
