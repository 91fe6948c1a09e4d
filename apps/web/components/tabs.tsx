import type { KeyboardEvent, ReactNode } from 'react';
import { tabAfterKey } from '../lib/tabs';
import { ScrollArea } from './scroll-area';

/** The ids that tie a tab to the panel it shows (`aria-controls`, `aria-labelledby`). */
function tabId(idPrefix: string, value: string): string {
  return `${idPrefix}-tab-${value}`;
}
function panelId(idPrefix: string): string {
  return `${idPrefix}-panel`;
}

/**
 * A row of tabs with one panel (`TabPanel`) below: a click or, with the selected tab focused, the arrow keys, Home and
 * End select one; only the selected tab is a stop of the Tab key, as screen-reader and keyboard users expect of tabs.
 */
export function TabList<T extends string>({
  idPrefix,
  tabs,
  names,
  selected,
  onSelect,
}: {
  idPrefix: string;
  tabs: readonly T[];
  names: Readonly<Record<T, string>>;
  selected: T;
  onSelect: (tab: T) => void;
}) {
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const next = tabAfterKey(event.key, tabs.indexOf(selected), tabs.length);
    const tab = next === null ? undefined : tabs[next];
    if (next === null || tab === undefined) return;
    event.preventDefault();
    onSelect(tab);
    event.currentTarget.querySelectorAll<HTMLButtonElement>('[role="tab"]')[next]?.focus();
  };
  return (
    <div className="flex flex-wrap gap-1" role="tablist" onKeyDown={onKeyDown}>
      {tabs.map((value) => (
        <button
          key={value}
          id={tabId(idPrefix, value)}
          type="button"
          role="tab"
          aria-selected={selected === value}
          aria-controls={panelId(idPrefix)}
          tabIndex={selected === value ? 0 : -1}
          onClick={() => onSelect(value)}
          className={`whitespace-nowrap rounded px-2 py-0.5 text-xs ${selected === value ? 'bg-gray-700 text-white' : 'text-gray-400 hover:bg-gray-800'}`}
        >
          {names[value]}
        </button>
      ))}
    </div>
  );
}

/** The panel of a `TabList` with the same `idPrefix`, named by its selected tab; it scrolls like a `ScrollArea`. */
export function TabPanel({
  idPrefix,
  selected,
  className,
  children,
}: {
  idPrefix: string;
  selected: string;
  className: string;
  children: ReactNode;
}) {
  return (
    <ScrollArea role="tabpanel" id={panelId(idPrefix)} labelledBy={tabId(idPrefix, selected)} className={className}>
      {children}
    </ScrollArea>
  );
}
