import { describe, expect, it } from 'vitest';
import { FrameBatcher } from './frame-batcher';

describe('FrameBatcher', () => {
  it('hands over everything that arrived before the frame in one call', () => {
    const frames: Array<() => void> = [];
    const batches: number[][] = [];
    const batcher = new FrameBatcher<number>(
      (items) => batches.push(items),
      (run) => frames.push(run),
    );
    for (let i = 0; i < 300; i++) batcher.push(i);
    expect(frames).toHaveLength(1);
    frames.shift()!();
    batcher.push(300);
    frames.shift()!();
    expect(batches.map((batch) => batch.length)).toEqual([300, 1]);
  });
});
