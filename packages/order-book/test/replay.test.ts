import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseReplay } from '../bench/replay.js';
import { REPLAY_CONFIG, playTape } from '../bench/runner.js';
import { CANCEL, NEW_MARKET } from '../bench/tape.js';
import { DEEP, generateTape, STEADY } from '../bench/workload.js';
import { ReferenceBook } from './reference-model.js';

describe('the benchmark path', () => {
  it.each([STEADY, DEEP])('matches the reference model on a generated $name workload', (mix) => {
    const tape = generateTape(mix, 4000, 11);
    const run = playTape(tape, REPLAY_CONFIG);
    const model = new ReferenceBook();
    for (let i = 0; i < tape.length; i++) {
      const id = tape.id[i]!;
      if (tape.op[i] === CANCEL) {
        // Every order has its own account in the model, so nothing is ever a self-trade.
        model.cancel(id, id);
        continue;
      }
      const market = tape.op[i] === NEW_MARKET;
      model.place({
        id,
        account: id,
        side: tape.side[i] === 0 ? 'B' : 'S',
        kind: market ? 'market' : 'limit',
        tif: market ? 'IOC' : 'GTC',
        price: tape.price[i]!,
        stopPrice: 0,
        trailingOffset: 0,
        quantity: tape.quantity[i]!,
        stp: 'newest',
        postOnly: false,
      });
    }
    const fills = Array.from({ length: run.fills.fills }, (_, i) => run.fills.fill(i));
    expect(fills.length).toBeGreaterThan(100);
    expect(fills).toEqual(model.trades);
    expect(run.book.liveOrders).toBe(model.resting.length);
    expect(run.book.validateInternalState()).toEqual([]);
  });

  it('parses the replay format and hashes fills in execution order', () => {
    const tape = parseReplay('N,1,S,L,100,5\nN,2,S,L,101,5\nC,1,,,,\nC,77,,,,\nN,3,B,M,,7\n');
    expect(tape.length).toBe(5);
    const run = playTape(tape, REPLAY_CONFIG);
    expect(run.fills.fills).toBe(1);
    expect(run.fills.fill(0)).toEqual([3, 2, 101, 5]);
    // printf '3,2,101,5\n' | sha256sum
    expect(run.fills.tradesSha256()).toBe('2c0adbc68943061c3d4c2550c6c2cbe5193923997c4a7dbc4454de287afecf85');
  });

  it('renumbers ids beyond the range of the core and still reports fills in the ids of the file', () => {
    const tape = parseReplay('N,5000000000,S,L,100,5\nN,7,B,L,100,3\nC,5000000000,,,,\nN,9007199254740991,B,L,100,1\n');
    expect(Array.from(tape.id)).toEqual([0, 1, 0, 2]);
    const run = playTape(tape, REPLAY_CONFIG);
    expect(run.fills.fills).toBe(1);
    expect(run.book.liveOrders).toBe(1);
    expect(run.fills.tradesSha256()).toBe(createHash('sha256').update('7,5000000000,100,3\n').digest('hex'));
  });

  it.each([
    ['N,1,B,L,1,2147483648', /quantity must be at most 2147483647/],
    ['N,1,B,L,2147483648,1', /limit price must be at most 2147483647/],
    ['X,1,B,L,1,1', /first field/],
    ['N,1,B,L,1', /6 comma-separated/],
    ['N,-1,B,L,1,1', /id/],
    ['N,1,Q,L,1,1', /side/],
    ['N,1,B,L,0,1', /limit price/],
    ['N,1,B,L,1.5,1', /limit price/],
    ['N,1,B,L,1,0', /quantity/],
    ['N,1,B,X,1,1', /order type/],
  ])('refuses %s with the line number', (line, why) => {
    expect(() => parseReplay(`N,9,B,L,1,1\n${line}\n`)).toThrow(new RegExp(`line 2: .*${why.source}`));
  });
});
