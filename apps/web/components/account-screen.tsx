'use client';
import type { InstrumentView, WalletView } from '@bolsa/contracts';
import { useCallback, useMemo, useState } from 'react';
import { formatBRL, signTone } from '../lib/format';
import { markPrices, valuePortfolio } from '../lib/portfolio';
import { useEventStream, type StreamEvent } from '../lib/use-event-stream';
import { useInstruments } from '../lib/use-instruments';
import { useTickers } from '../lib/use-tickers';
import { NOTICE_KINDS } from '../lib/use-account-notices';
import { useMyEvents } from './account-notices';
import { ConnectionDot } from './connection-dot';
import { LoginSessions } from './login-sessions';
import { Notices } from './notices';
import { PasswordForm } from './password-form';
import { PriceAlerts } from './price-alerts';
import { useRequiredAccount } from './session';
import { Statement } from './statement';
import { TaxSummary } from './tax-summary';
import { TransferForm } from './transfer-form';
import { WalletPanel } from './wallet-panel';

const CARD = 'rounded border border-edge bg-panel p-3';
const HEADING = 'mb-2 text-xs font-semibold uppercase tracking-wide text-gray-400';

/** Before the instruments are known: one empty list, so that what is computed from it is not computed again. */
const NO_INSTRUMENTS: readonly InstrumentView[] = [];

/** The trader's account: what it is worth, cash in and out, the statement, and the trades for the accountant. */
export function AccountScreen() {
  const account = useRequiredAccount();
  const [wallet, setWallet] = useState<WalletView | null>(null);
  const [walletVersion, setWalletVersion] = useState(0);
  const instruments = useInstruments() ?? NO_INSTRUMENTS;
  // null until the first prices arrive, so that nothing is valued at a stale price meanwhile; then live.
  const { tickers } = useTickers();

  const onWallet = useCallback((events: StreamEvent[]) => {
    const latest = events.findLast((e) => e.kind === 'wallet')?.data as WalletView | undefined;
    if (latest === undefined) return;
    setWallet(latest);
    setWalletVersion((n) => n + 1);
  }, []);
  // Orders rest and fill, and alerts go off, while the trader reads their account: they are told here too.
  const { notices, alerts, onMine } = useMyEvents(onWallet);
  const streamState = useEventStream(
    account === null ? null : '/api/stream/me',
    ['wallet', 'account', ...NOTICE_KINDS],
    onMine,
  );

  const prices = useMemo(
    () => (tickers === null ? new Map<string, number>() : markPrices(instruments, tickers)),
    [instruments, tickers],
  );
  const portfolio = wallet === null || tickers === null ? null : valuePortfolio(wallet, prices);
  const symbols = useMemo(() => instruments.map((i) => i.symbol), [instruments]);

  if (account === null) return null;
  return (
    <div className="flex flex-col gap-3" data-testid="account-screen">
      <div className="flex flex-wrap items-baseline gap-x-3">
        <h1 className="text-lg font-semibold text-white">Minha conta</h1>
        <span className="text-sm text-gray-400">{account.name}</span>
        <span className="ml-auto">
          <ConnectionDot label="conta" state={streamState} />
        </span>
      </div>
      <div className="grid grid-cols-1 gap-3 lg:grid-cols-[380px_minmax(0,1fr)]">
        <div className="flex min-w-0 flex-col gap-3">
          <section className={CARD} aria-label="Patrimônio">
            <h2 className={HEADING}>Patrimônio</h2>
            <p className="num text-2xl text-white" data-testid="equity">
              {formatBRL(portfolio?.equityCents)}
            </p>
            <dl className="num mt-2 grid grid-cols-2 gap-y-0.5 text-sm">
              <dt className="text-gray-400">Saldo em conta</dt>
              <dd className="text-right" data-testid="cash-total">
                {formatBRL(portfolio?.cashCents)}
              </dd>
              <dt className="text-gray-400">Em ações</dt>
              <dd className="text-right" data-testid="positions-value">
                {formatBRL(portfolio?.positionsCents)}
              </dd>
              <dt className="text-gray-400">Lucro/prejuízo em aberto</dt>
              <dd className={`text-right ${signTone(portfolio?.profitCents)}`} data-testid="open-profit">
                {formatBRL(portfolio?.profitCents)}
              </dd>
            </dl>
            <p className="mt-2 text-[11px] text-muted">
              Ações pelo último negócio (ou preço de referência, sem negócios).
              {portfolio !== null && portfolio.unpriced.length > 0 && ` Sem preço: ${portfolio.unpriced.join(', ')}.`}
            </p>
          </section>
          <WalletPanel wallet={wallet} prices={prices} />
          <section className={`${CARD} flex flex-col gap-2`} aria-label="Depósitos e saques">
            <h2 className={HEADING}>Depósitos e saques</h2>
            <TransferForm kind="deposit" />
            <TransferForm kind="withdrawal" />
          </section>
          <PriceAlerts
            symbol={null}
            lastPrice={null}
            alerts={alerts.alerts}
            onCreated={alerts.created}
            onDeleted={alerts.deleted}
          />
          <section className={CARD} aria-label="Senha">
            <h2 className={HEADING}>Senha</h2>
            <PasswordForm />
          </section>
          <section className={CARD} aria-label="Sessões">
            <h2 className={HEADING}>Sessões</h2>
            <LoginSessions />
          </section>
          <TaxSummary version={walletVersion} />
        </div>
        <Statement assets={symbols} version={walletVersion} />
      </div>
      <Notices notices={notices} />
    </div>
  );
}
