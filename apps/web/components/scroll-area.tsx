import type { ReactNode } from 'react';

/** What names a scrolling box for screen readers: its own words, or the element (a tab) whose id is given. */
type Naming = { label: string; labelledBy?: never } | { label?: never; labelledBy: string };

/**
 * A box whose content scrolls (a long list, or a table wider than a phone). It takes the keyboard's focus, so that
 * the arrow keys scroll it even when nothing inside can be focused, and is named for screen readers (WCAG 2.1.1).
 * Positioned, so that what is absolutely placed inside (text only screen readers get) is clipped with the rest rather
 * than widening the page. A region unless it is a tab's panel.
 */
export function ScrollArea({
  className,
  children,
  role = 'region',
  id,
  ...naming
}: Naming & { className: string; children: ReactNode; role?: 'region' | 'tabpanel'; id?: string }) {
  return (
    <div
      role={role}
      id={id}
      aria-label={naming.label}
      aria-labelledby={naming.labelledBy}
      tabIndex={0}
      className={`relative ${className} focus-visible:outline-1 focus-visible:outline-sky-400`}
    >
      {children}
    </div>
  );
}
