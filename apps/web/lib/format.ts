/**
 * Numbers as a Brazilian trader reads them: R$ 1.234,56, 1.000 shares, +1,23 %. The API sends decimal strings;
 * they become integer cents first, so nothing is ever rounded through a float on its way to the screen.
 */
const DECIMAL = /^(-)?(\d+)(?:\.(\d{1,2}))?$/;

/** "1234.5" → 123450 cents; null for anything that is not a plain decimal. */
export function centsOf(decimal: string | null | undefined): number | null {
  const match = decimal === null || decimal === undefined ? null : DECIMAL.exec(decimal);
  if (match === null) return null;
  const cents = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  return match[1] === '-' ? -cents : cents;
}

/**
 * A decimal as typed here, in the form the API reads. With a comma, the comma is the decimal mark and dots group
 * thousands, as a Brazilian writes it ("1.234,56" → "1234.56", "35,10" → "35.10"); without one, a dot is the decimal
 * mark, as the API writes it ("35.10").
 */
export function decimalInput(text: string): string {
  const trimmed = text.trim();
  return trimmed.includes(',') ? trimmed.replaceAll('.', '').replace(',', '.') : trimmed;
}

/** A whole number as typed here: dots that group thousands are dropped ("1.000" → "1000"); anything else is kept. */
export function wholeInput(text: string): string {
  const trimmed = text.trim();
  return /^\d{1,3}(\.\d{3})+$/.test(trimmed) ? trimmed.replaceAll('.', '') : trimmed;
}

/** A price for an input field, as a Brazilian types it: 123450 or "1234.50" → "1234,50" (not grouped). */
export function priceInput(value: string | number): string {
  const cents = typeof value === 'number' ? value : centsOf(value);
  if (cents === null) return typeof value === 'string' ? value : '';
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

const grouped = new Intl.NumberFormat('pt-BR', { maximumFractionDigits: 0 });

function money(cents: number, symbol: boolean, signed = false): string {
  const sign = cents < 0 ? '-' : signed && cents > 0 ? '+' : '';
  const abs = Math.abs(cents);
  const text = `${grouped.format(Math.floor(abs / 100))},${String(abs % 100).padStart(2, '0')}`;
  return `${sign}${symbol ? 'R$\u00a0' : ''}${text}`;
}

/** R$ 1.234,56 */
export function formatBRL(value: string | number | null | undefined): string {
  const cents = typeof value === 'number' ? value : centsOf(value);
  return cents === null ? '—' : money(cents, true);
}

/** 1.234,56 (a price, without the currency) */
export function formatPrice(value: string | number | null | undefined, signed = false): string {
  const cents = typeof value === 'number' ? value : centsOf(value);
  return cents === null ? '—' : money(cents, false, signed);
}

/** 12.300 */
export function formatQuantity(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const shares = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(shares) ? grouped.format(shares) : '—';
}

/** "+1.23" → +1,23 % */
export function formatPercent(value: string | null | undefined): string {
  const cents = centsOf(value);
  return cents === null ? '—' : `${money(cents, false, true)}\u00a0%`;
}

const time = new Intl.DateTimeFormat('pt-BR', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/** 14:03:27 */
export function formatTime(iso: string): string {
  return time.format(new Date(iso));
}

const dateTime = new Intl.DateTimeFormat('pt-BR', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** 02/12/2026 14:03 */
export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

/** A calendar day as the screens write it: `2026-12-18` → 18/12/2026. */
export function formatDay(day: string): string {
  return day.split('-').reverse().join('/');
}

/** The colour of a signed figure: green up, red down, `neutral` for zero or none. */
export function signTone(value: number | null | undefined, neutral = ''): string {
  return value === null || value === undefined || value === 0 ? neutral : value > 0 ? 'text-buy' : 'text-sell';
}
