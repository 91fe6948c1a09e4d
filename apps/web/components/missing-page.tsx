import Link from 'next/link';
import type { ReactNode } from 'react';

/** What a page shows when what its address names does not exist here: why, and where to go instead. */
export function MissingPage({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <section className="mx-auto mt-10 max-w-lg rounded border border-edge bg-panel p-6" data-testid="missing-page">
      <h1 className="text-lg font-semibold text-white">{title}</h1>
      {children}
      <p className="mt-4 text-sm">
        <Link href="/markets" className="text-sky-300 hover:underline">
          Ver o mercado
        </Link>
      </p>
    </section>
  );
}
