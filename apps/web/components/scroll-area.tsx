import type { ReactNode } from 'react';

/**
 * A box whose content scrolls (a long list, or a table wider than a phone). It takes the keyboard's focus, so that
 * the arrow keys scroll it even when nothing inside can be focused, and is named for screen readers (WCAG 2.1.1).
 * Positioned, so that what is absolutely placed inside (text only screen readers get) is clipped with the rest rather
 * than widening the page.
 */
export function ScrollArea({ label, className, children }: { label: string; className: string; children: ReactNode }) {
  return (
    <div
      role="region"
      aria-label={label}
      tabIndex={0}
      className={`relative ${className} focus-visible:outline-1 focus-visible:outline-sky-400`}
    >
      {children}
    </div>
  );
}
