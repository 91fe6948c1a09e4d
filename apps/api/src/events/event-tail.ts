import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { EngineEvent } from '@bolsa/contracts';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { PrismaService } from '../database/prisma.service.js';
import { EventBus } from './event-bus.js';

const IDLE_POLL_MS = 20;
const PAGE = 1000;

/**
 * In a process that serves HTTP but does not ingest (EVENTS_CONSUMER=off), the live streams are fed by tailing
 * engine_events by id. The one ingesting process commits its batches one at a time, so ids become visible in
 * increasing order and reading "id > last seen" misses nothing.
 */
@Injectable()
export class EventTail implements OnApplicationBootstrap, OnModuleDestroy {
  private running = false;
  private lastId = 0;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(EventBus) private readonly bus: EventBus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.consumeEvents) return;
    const latest = await this.prisma.engineEvent.aggregate({ _max: { id: true } });
    this.lastId = Number(latest._max.id ?? 0n);
    this.running = true;
    void this.follow();
  }

  onModuleDestroy(): void {
    this.running = false;
  }

  private async follow(): Promise<void> {
    while (this.running) {
      try {
        const rows = await this.prisma.engineEvent.findMany({
          where: { id: { gt: BigInt(this.lastId) } },
          orderBy: { id: 'asc' },
          take: PAGE,
          select: { id: true, payload: true },
        });
        if (rows.length > 0) {
          this.lastId = Number(rows.at(-1)!.id);
          this.bus.publish(rows.map((row) => ({ id: Number(row.id), event: row.payload as unknown as EngineEvent })));
        }
        if (rows.length < PAGE) await new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS));
      } catch {
        // The database went away for a moment: try again shortly.
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }
}
