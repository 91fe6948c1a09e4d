/**
 * Runs concurrent requests in batches: up to `concurrency` batches are in flight, and requests that arrive
 * meanwhile wait and go out together in the next one. A lone request goes at once, so nothing waits for a timer;
 * under load the batches grow by themselves, and with them the work shared per round trip and per commit. With
 * `gatherTurn`, a batch starts only once the current turn of the event loop is over (`setImmediate`), so requests
 * made in one turn, such as one per partition of a Kafka fetch, go out together even when nothing is in flight.
 */
export class GroupCommit<Item, Result> {
  private waiting: { item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }[] = [];
  private inFlight = 0;
  private pumpScheduled = false;

  constructor(
    private readonly run: (items: Item[]) => Promise<Result[]>,
    private readonly concurrency: number,
    private readonly maxBatch: number,
    private readonly gatherTurn = false,
  ) {}

  submit(item: Item): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.gatherTurn) this.pump();
      else if (!this.pumpScheduled) {
        this.pumpScheduled = true;
        setImmediate(() => {
          this.pumpScheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.inFlight < this.concurrency && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.inFlight++;
      this.run(batch.map((entry) => entry.item))
        .then(
          (results) => batch.forEach((entry, i) => entry.resolve(results[i]!)),
          (error: unknown) => batch.forEach((entry) => entry.reject(error)),
        )
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}
