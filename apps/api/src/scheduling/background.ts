/**
 * One run at a time of a background job (a reconciliation, a re-sending pass, a day's close): asking while one runs
 * gets that run rather than a second one beside it.
 */
export class SingleFlight<T> {
  private running: Promise<T> | null = null;

  run(work: () => Promise<T>): Promise<T> {
    this.running ??= work().finally(() => (this.running = null));
    return this.running;
  }

  /** Waits for the run in progress, if any, whatever its outcome: for a clean shutdown. */
  async settled(): Promise<void> {
    await this.running?.catch(() => undefined);
  }
}

/**
 * Calls `task` every `everyMs`, the first time after `firstAfterMs`, until the returned function is called. The
 * timer never keeps the process alive on its own.
 */
export function repeatEvery(everyMs: number, task: () => void, firstAfterMs = everyMs): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const next = (delay: number) => {
    timer = setTimeout(() => {
      task();
      if (!stopped) next(everyMs);
    }, delay);
    timer.unref();
  };
  next(firstAfterMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/**
 * A timer for one moment at a time (an opening, a close): asked again while it waits, it keeps the moment it has.
 * It never keeps the process alive on its own.
 */
export class OneShot {
  private timer: NodeJS.Timeout | undefined;

  /** Runs `task` in `delayMs`, unless a run is waiting already. */
  in(delayMs: number, task: () => void): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      task();
    }, delayMs);
    this.timer.unref();
  }

  get waiting(): boolean {
    return this.timer !== undefined;
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
