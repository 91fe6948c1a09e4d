/**
 * Collects items as they arrive and hands them over once per animation frame, so hundreds of events a second
 * cost one render each frame rather than one each.
 */
export class FrameBatcher<T> {
  private pending: T[] = [];
  private scheduled = false;

  constructor(
    private readonly flush: (items: T[]) => void,
    private readonly schedule: (run: () => void) => void = (run) => requestAnimationFrame(run),
  ) {}

  push(item: T): void {
    this.pending.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      const items = this.pending;
      this.pending = [];
      if (items.length > 0) this.flush(items);
    });
  }
}
