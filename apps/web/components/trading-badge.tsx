import type { TickerView } from '@bolsa/contracts';
import { haltText, instantText, instrumentCallName, instrumentCallOf, reopeningOf } from '../lib/calendar';

const BADGE = 'ml-2 rounded px-1.5 py-0.5 text-[10px] font-semibold uppercase';

/**
 * Marks an instrument whose trading an administrator has suspended (why, on hover), or that is in a call auction of
 * its own, a reopening after a halt or a volatility auction (which, and until when, on hover).
 */
export function TradingBadge({ ticker }: { ticker: TickerView | null | undefined }) {
  const reopensAt = reopeningOf(ticker);
  const halt = haltText(ticker);
  if (halt !== null) {
    return (
      <span className={`${BADGE} bg-amber-500/20 text-amber-300`} data-testid="halted" title={halt}>
        suspenso
      </span>
    );
  }
  if (reopensAt === null) return null;
  return (
    <span
      className={`${BADGE} bg-sky-500/20 text-sky-200`}
      data-testid="reopening"
      title={`${instrumentCallName(instrumentCallOf(ticker))} até ${instantText(reopensAt)}`}
    >
      em leilão
    </span>
  );
}
