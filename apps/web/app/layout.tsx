import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Nav } from '../components/nav';
import { SessionProvider } from '../components/session';
import { SITE_NAME } from '../lib/page-title';
import './globals.css';

export const metadata: Metadata = {
  // Each page names itself first ("Mercado · Bolsa"), so that browser tabs and history tell them apart (WCAG 2.4.2).
  title: { default: 'Bolsa — home broker', template: `%s · ${SITE_NAME}` },
  description: 'Trade B3-style instruments on the Bolsa exchange',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="pt-BR">
      <body className="min-h-screen font-sans antialiased">
        <SessionProvider>
          <Nav />
          <main className="mx-auto max-w-[1600px] px-3 py-3">{children}</main>
        </SessionProvider>
      </body>
    </html>
  );
}
