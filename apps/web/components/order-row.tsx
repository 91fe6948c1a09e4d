'use client';
import type { OrderView } from '@bolsa/contracts';
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { firstGoodTillDay, lastGoodTillDay } from '../lib/calendar';
import { formatPrice, formatQuantity, formatTime, priceInput } from '../lib/format';
import { useCalendar } from '../lib/use-calendar';
import { orderStatusText } from '../lib/order-status';
import { OrderDetails } from './order-details';

const TYPE: Record<string, string> = {
  limit: 'limitada',
  market: 'mercado',
  stop_limit: 'stop lim.',
  stop_market: 'stop merc.',
};
/** A cell of the trader's lists' tables. */
export const CELL = 'px-2 py-1';
/** The orders tables' columns, one per cell of an `OrderRow`. */
export const ORDER_HEADERS = [
  'Criada',
  'Ativo',
  'Lado',
  'Tipo',
  'Preço',
  'Disparo',
  'Qtd',
  'Executada',
  'Preço médio',
  'Status',
  'Ações',
] as const;

/** What the trader is typing in an order's row to amend it, as typed. */
export interface AmendDraft {
  readonly orderId: string;
  readonly price: string;
  readonly stopPrice: string;
  readonly trailingOffset: string;
  readonly quantity: string;
  /** A GTD order's last day (`YYYY-MM-DD`); empty for others. */
  readonly expiresOn: string;
}

interface OrderRowProps {
  readonly order: OrderView;
  /** An open order, which can be amended and cancelled. */
  readonly open: boolean;
  /** This order's amend being typed, if it is. */
  readonly editing: AmendDraft | null;
  readonly onEdit: (draft: AmendDraft | null) => void;
  readonly onAmend: () => void;
  readonly onCancel: () => void;
  /** The order's fills and history are shown under its row. */
  readonly detailsShown: boolean;
  readonly onToggleDetails: () => void;
  /** Moves with the trader's order events: the details shown are fetched again. */
  readonly version: number;
}

/**
 * One order in the trader's lists: its terms and progress, the amend typed in place, and under it, a click on its
 * time or its executed quantity away, its fills and its history.
 */
export function OrderRow({
  order,
  open,
  editing,
  onEdit,
  onAmend,
  onCancel,
  detailsShown,
  onToggleDetails,
  version,
}: OrderRowProps) {
  const amendButton = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);
  useEffect(() => {
    // The editor's fields and buttons are gone (saved, Escape, "Voltar"): the keyboard's focus, which went with
    // them, comes back to the row's "Alterar" rather than to the top of the page.
    const focusLost = document.activeElement === null || document.activeElement === document.body;
    if (wasEditing.current && editing === null && focusLost) amendButton.current?.focus();
    wasEditing.current = editing !== null;
  }, [editing]);
  /** In the editor's fields, Enter saves the amend and Escape leaves it, as in the order ticket. */
  const editorKeys = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') onAmend();
    else if (event.key === 'Escape') onEdit(null);
    else return;
    event.preventDefault();
  };
  const stopEditable = order.stopPrice !== null && order.triggeredAt === null;
  /** The field the editor opens on: the price, or a stop's trigger, or else the quantity. */
  const firstField = order.price !== null ? 'price' : stopEditable ? 'stop' : 'quantity';
  // The order's time and its executed quantity both open its details under the row.
  const detailsToggle = (title: string, tone: string, label: string) => (
    <button
      type="button"
      aria-expanded={detailsShown}
      title={title}
      className={`${tone} underline decoration-dotted`}
      onClick={onToggleDetails}
    >
      {label}
    </button>
  );
  return (
    <>
      <tr data-testid="order-row" data-order-id={order.orderId}>
        <td className={CELL}>
          {detailsToggle('Ver o histórico da ordem', 'tabular-nums decoration-gray-600', formatTime(order.createdAt))}
        </td>
        <td className={CELL}>{order.symbol}</td>
        <td className={`${CELL} ${order.side === 'buy' ? 'text-buy' : 'text-sell'}`}>
          {order.side === 'buy' ? 'compra' : 'venda'}
        </td>
        <td className={CELL}>
          {TYPE[order.type]}
          {order.expiresOn !== null &&
            (editing !== null ? (
              <GoodTillInput
                onKeyDown={editorKeys}
                value={editing.expiresOn}
                onChange={(expiresOn) => onEdit({ ...editing, expiresOn })}
              />
            ) : (
              <span className="block text-[11px] text-muted" data-testid="order-good-till">
                até {order.expiresOn.split('-').reverse().slice(0, 2).join('/')}
              </span>
            ))}
          {order.timeInForce === 'DAY' && (
            <span className="block text-[11px] text-muted" data-testid="order-day">
              do dia
            </span>
          )}
        </td>
        <td className={CELL}>
          {editing !== null && order.price !== null ? (
            <input
              aria-label="Novo preço"
              autoFocus={firstField === 'price'}
              onKeyDown={editorKeys}
              value={editing.price}
              onChange={(event) => onEdit({ ...editing, price: event.target.value })}
              className="w-20 rounded border border-gray-700 bg-gray-950 px-1 text-right"
            />
          ) : order.price === null && order.protectionPrice !== null ? (
            <span title="Preço de proteção: a ordem não executa além dele">
              {order.side === 'buy' ? '≤ ' : '≥ '}
              {formatPrice(order.protectionPrice)}
            </span>
          ) : (
            formatPrice(order.price)
          )}
        </td>
        <td className={CELL} data-testid="order-stop">
          {editing !== null && stopEditable ? (
            <>
              <input
                aria-label="Novo disparo"
                autoFocus={firstField === 'stop'}
                onKeyDown={editorKeys}
                value={editing.stopPrice}
                onChange={(event) => onEdit({ ...editing, stopPrice: event.target.value })}
                className="w-20 rounded border border-gray-700 bg-gray-950 px-1 text-right"
              />
              {order.trailingOffset !== null && (
                <input
                  aria-label="Nova distância"
                  title="Stop móvel: a nova distância vale a partir do próximo negócio"
                  onKeyDown={editorKeys}
                  value={editing.trailingOffset}
                  onChange={(event) => onEdit({ ...editing, trailingOffset: event.target.value })}
                  className="ml-1 w-16 rounded border border-sky-800 bg-gray-950 px-1 text-right"
                />
              )}
            </>
          ) : order.stopPrice === null ? (
            '—'
          ) : (
            <>
              {formatPrice(order.stopPrice)}
              {order.triggeredAt !== null ? (
                <span
                  data-testid="order-triggered"
                  className="ml-1 text-[10px] text-amber-300"
                  title={`Disparada às ${formatTime(order.triggeredAt)}: a ordem está no livro`}
                >
                  disparada
                </span>
              ) : (
                order.trailingOffset !== null && (
                  <span
                    data-testid="order-trailing"
                    className="ml-1 text-[10px] text-sky-300"
                    title={`Stop móvel: o disparo acompanha o melhor preço negociado a ${formatPrice(order.trailingOffset)}`}
                  >
                    móvel
                  </span>
                )
              )}
            </>
          )}
        </td>
        <td className={CELL}>
          {editing !== null ? (
            <input
              aria-label="Nova quantidade"
              autoFocus={firstField === 'quantity'}
              onKeyDown={editorKeys}
              value={editing.quantity}
              onChange={(event) => onEdit({ ...editing, quantity: event.target.value })}
              className="w-16 rounded border border-gray-700 bg-gray-950 px-1 text-right"
            />
          ) : (
            formatQuantity(order.quantity)
          )}
        </td>
        <td className={CELL}>
          {order.filledQuantity === '0'
            ? formatQuantity(order.filledQuantity)
            : detailsToggle(
                'Ver as execuções: preço médio, total e taxas',
                'text-sky-300',
                formatQuantity(order.filledQuantity),
              )}
        </td>
        <td className={CELL} data-testid="order-average" title="Preço médio das execuções">
          {order.averagePrice === null ? '—' : formatPrice(order.averagePrice)}
        </td>
        <td className={CELL}>
          {orderStatusText(order.status, order.statusReason)}
          {open && order.amendPending && (
            <span
              data-testid="order-amending"
              className="ml-1 text-[10px] text-sky-300"
              title="A alteração foi enviada e a bolsa ainda não respondeu"
            >
              alterando…
            </span>
          )}
        </td>
        {/* Kept in view at the right edge when the table scrolls sideways, as it does on a phone. */}
        <td className={`${CELL} sticky right-0 whitespace-nowrap bg-panel text-right`}>
          {open &&
            (editing !== null ? (
              <>
                {/* Keyed: a button is never reused for another, so Enter on "Voltar" cannot land on "Cancelar". */}
                <button key="save" type="button" className="mr-2 text-sky-400" onClick={onAmend}>
                  Salvar
                </button>
                <button key="back" type="button" className="text-gray-400" onClick={() => onEdit(null)}>
                  Voltar
                </button>
              </>
            ) : (
              <>
                <button
                  key="amend"
                  ref={amendButton}
                  type="button"
                  className="mr-2 text-sky-400"
                  onClick={() =>
                    onEdit({
                      orderId: order.orderId,
                      price: order.price === null ? '' : priceInput(order.price),
                      stopPrice: order.stopPrice === null ? '' : priceInput(order.stopPrice),
                      trailingOffset: order.trailingOffset === null ? '' : priceInput(order.trailingOffset),
                      quantity: order.quantity,
                      expiresOn: order.expiresOn ?? '',
                    })
                  }
                >
                  Alterar
                </button>
                <button key="cancel" type="button" className="text-rose-400" onClick={onCancel}>
                  Cancelar
                </button>
              </>
            ))}
        </td>
      </tr>
      {detailsShown && <OrderDetails order={order} columns={ORDER_HEADERS.length} version={version} />}
    </>
  );
}

/**
 * A GTD order's new last day, within the days the exchange's calendar allows (the calendar is asked for when the
 * editor opens, not for every row).
 */
function GoodTillInput({
  value,
  onChange,
  onKeyDown,
}: {
  value: string;
  onChange: (day: string) => void;
  onKeyDown: (event: KeyboardEvent<HTMLInputElement>) => void;
}) {
  const { calendar } = useCalendar();
  return (
    <input
      type="date"
      aria-label="Válida até"
      min={firstGoodTillDay(calendar) ?? undefined}
      max={lastGoodTillDay(calendar) ?? undefined}
      onKeyDown={onKeyDown}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      className="block w-32 rounded border border-gray-700 bg-gray-950 px-1 text-[11px]"
    />
  );
}
