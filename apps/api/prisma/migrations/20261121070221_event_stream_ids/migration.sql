-- AlterTable
ALTER TABLE "engine_events" ADD COLUMN     "id" BIGSERIAL NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "engine_events_id_key" ON "engine_events"("id");

