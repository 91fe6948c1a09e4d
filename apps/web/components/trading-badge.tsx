import type { TickerView } from '@bolsa/contracts';
import { haltText, instantText, reopeningOf } from '../lib/calendar';

const BADGE = 'ml-2 rounded px-1.5 py-0.5 text-[10px] font-semibold uppercase';

/**
 * Marks an instrument whose trading an administrator has suspended (why, on hover), or that is reopening after a
 * halt in a call auction (until when, on hover).
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
      title={`Leilão de reabertura até ${instantText(reopensAt)}`}
    >
      em leilão
    </span>
  );
}
