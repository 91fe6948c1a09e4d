import { startPostgres, type RunningPostgres } from '@bolsa/embedded-db';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayLiteral, columns } from './columns.js';
import { connectionFields } from './pg-connection.js';

let db: RunningPostgres;
let client: pg.Client;

beforeAll(async () => {
  db = await startPostgres();
  client = new pg.Client(connectionFields(db.url));
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await db?.stop();
});

/** What PostgreSQL reads the literal as, given as a parameter cast to `type`, back as text. */
async function readBack(literal: string, type: string): Promise<(string | null)[]> {
  const { rows } = await client.query<{ v: (string | null)[] }>(`SELECT $1::${type}::text[] AS v`, [literal]);
  return rows[0]!.v;
}

// Text without NUL (PostgreSQL text cannot hold it), with the characters an array literal gives meaning to.
const tricky = fc.constantFrom(
  '',
  'NULL',
  'nUlL',
  'NULLS',
  ' ',
  ',',
  '{',
  '}',
  '"',
  '\\',
  '\\"',
  'a b',
  ' {x,"y"} ',
  '\t\n',
);
const word = fc.stringMatching(/^[\w.:-]{1,12}$/);
const text = fc.oneof(
  tricky,
  word,
  fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !s.includes('\u0000')),
);

describe('arrayLiteral', () => {
  it('gives PostgreSQL back every string as it was, NULL apart from "NULL"', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.option(text), { maxLength: 12 }), async (values) => {
        expect(await readBack(arrayLiteral(values), 'text[]')).toEqual(values);
      }),
      { numRuns: 300 },
    );
  });

  it('sends numbers, bigints and booleans for integer, float and boolean arrays', async () => {
    const integers = [0, -1, 2 ** 31 - 1, -(2 ** 31), null];
    expect(await readBack(arrayLiteral(integers), 'int[]')).toEqual(['0', '-1', '2147483647', '-2147483648', null]);
    const big = [9_223_372_036_854_775_807n, -9_223_372_036_854_775_808n, 0n];
    expect(await readBack(arrayLiteral(big), 'bigint[]')).toEqual(big.map(String));
    expect(await readBack(arrayLiteral([1_764_000_000_123, 0.5, null]), 'float8[]')).toEqual([
      '1764000000123',
      '0.5',
      null,
    ]);
    expect(await readBack(arrayLiteral([true, false, null]), 'bool[]')).toEqual(['true', 'false', null]);
    expect(await readBack(arrayLiteral([]), 'uuid[]')).toEqual([]);
  });

  it('refuses what it cannot send as a scalar rather than sending "[object Object]"', () => {
    expect(() => arrayLiteral([{}])).toThrow(TypeError);
  });

  it('turns rows into one literal per column, in the order of the pickers', () => {
    const rows = [
      { id: 'a', n: 1 },
      { id: 'b"', n: null },
    ];
    expect(columns(rows, [(row) => row.id, (row) => row.n])).toEqual(['{a,"b\\""}', '{1,NULL}']);
  });
});
