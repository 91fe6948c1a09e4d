import { Injectable } from '@nestjs/common';
import type { EngineEvent } from '@bolsa/contracts';
import { Observable, Subject } from 'rxjs';
import type { StoredEvent } from './event-ingestion.js';

/**
 * Engine events as they become durable in PostgreSQL, for the live streams: all of them, or only those of one
 * symbol or one account. A stream that wants one trader's orders subscribes to that account alone, so an event
 * reaches the streams it concerns rather than every connected one (with a thousand traders watching their orders,
 * each event would otherwise be offered to a thousand filters).
 */
@Injectable()
export class EventBus {
  private readonly all = new Subject<StoredEvent>();
  private readonly bySymbol = new Map<string, Subject<StoredEvent>>();
  private readonly byAccount = new Map<string, Subject<StoredEvent>>();

  get events(): Observable<StoredEvent> {
    return this.all.asObservable();
  }

  /** The events of one symbol. */
  symbol(symbol: string): Observable<StoredEvent> {
    return keyed(this.bySymbol, symbol);
  }

  /** The events that name one account: its orders' changes, and the trades it is the maker or the taker of. */
  account(accountId: string): Observable<StoredEvent> {
    return keyed(this.byAccount, accountId);
  }

  publish(events: readonly StoredEvent[]): void {
    for (const stored of events) {
      this.all.next(stored);
      this.bySymbol.get(stored.event.symbol)?.next(stored);
      const [first, second] = accountsOf(stored.event);
      if (first !== undefined) this.byAccount.get(first)?.next(stored);
      if (second !== undefined && second !== first) this.byAccount.get(second)?.next(stored);
    }
  }
}

function accountsOf(event: EngineEvent): [string?, string?] {
  if (event.type === 'trade') return [event.makerAccountId, event.takerAccountId];
  return 'accountId' in event ? [event.accountId] : [];
}

/** A subject kept only while somebody listens to its key. */
function keyed(subjects: Map<string, Subject<StoredEvent>>, key: string): Observable<StoredEvent> {
  return new Observable<StoredEvent>((subscriber) => {
    let subject = subjects.get(key);
    if (subject === undefined) {
      subject = new Subject<StoredEvent>();
      subjects.set(key, subject);
    }
    const subscription = subject.subscribe(subscriber);
    return () => {
      subscription.unsubscribe();
      if (!subject.observed && subjects.get(key) === subject) subjects.delete(key);
    };
  });
}
