import type { StreamState } from '../lib/use-event-stream';

const LOOK: Record<StreamState, [string, string]> = {
  connecting: ['bg-amber-400', 'conectando'],
  live: ['bg-emerald-400', 'ao vivo'],
  reconnecting: ['bg-amber-400', 'reconectando'],
  closed: ['bg-rose-500', 'desconectado'],
};

/** Whether live data is flowing, visible at a glance and readable by screen readers. */
export function ConnectionDot({ state, label }: { state: StreamState; label: string }) {
  const [color, text] = LOOK[state];
  return (
    <span
      className="inline-flex items-center gap-1.5 text-xs text-gray-400"
      data-testid={`stream-${label}`}
      data-state={state}
    >
      <span className={`inline-block h-2 w-2 rounded-full ${color}`} aria-hidden />
      <span>
        {label}: {text}
      </span>
    </span>
  );
}
