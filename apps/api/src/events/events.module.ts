import { Module } from '@nestjs/common';
import { MessagingModule } from '../messaging/messaging.module.js';
import { EngineEventsConsumer } from './engine-events.consumer.js';
import { EventBus } from './event-bus.js';
import { EventIngestion } from './event-ingestion.js';
import { EventTail } from './event-tail.js';
import { SettlementStore } from '../wallets/settlement-store.js';

@Module({
  imports: [MessagingModule],
  providers: [EventIngestion, EventBus, EngineEventsConsumer, EventTail, SettlementStore],
  exports: [EventBus, EventIngestion],
})
export class EventsModule {}
