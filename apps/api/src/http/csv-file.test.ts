import { describe, expect, it } from 'vitest';
import { csvFile } from './csv-file.js';

describe('csvFile', () => {
  it('reads every page, each from where the one before ended, and quotes what needs it', async () => {
    const rows = Array.from({ length: 2_500 }, (_, index) => ({
      id: 2_500 - index,
      note: index === 0 ? 'a, "b"' : null,
    }));
    const asked: (number | undefined)[] = [];
    const file = await csvFile(
      ['id', 'note'],
      async (before: number | undefined, limit) => {
        asked.push(before);
        return rows.filter((row) => before === undefined || row.id < before).slice(0, limit);
      },
      (last) => last.id,
      (row) => [row.id, row.note],
    );
    const lines = file.split('\r\n');
    expect(asked).toEqual([undefined, 1_501, 501]);
    expect(lines).toHaveLength(2_502);
    expect(lines.slice(0, 3)).toEqual(['id,note', '2500,"a, ""b"""', '2499,']);
    expect(lines.at(-2)).toBe('1,');
    expect(lines.at(-1)).toBe('');
  });
});
