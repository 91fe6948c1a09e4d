import { Injectable } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import type { StoredEvent } from './event-ingestion.js';

/** Engine events as they become durable in PostgreSQL, for the live streams. */
@Injectable()
export class EventBus {
  private readonly subject = new Subject<StoredEvent>();

  get events(): Observable<StoredEvent> {
    return this.subject.asObservable();
  }

  publish(events: readonly StoredEvent[]): void {
    for (const event of events) this.subject.next(event);
  }
}
