import { Injectable } from '@nestjs/common';
import type { EngineEvent } from '@bolsa/contracts';
import { Subject, type Observable } from 'rxjs';

/** Engine events as they become durable in PostgreSQL, for the live streams. */
@Injectable()
export class EventBus {
  private readonly subject = new Subject<EngineEvent>();

  get events(): Observable<EngineEvent> {
    return this.subject.asObservable();
  }

  publish(events: readonly EngineEvent[]): void {
    for (const event of events) this.subject.next(event);
  }
}
