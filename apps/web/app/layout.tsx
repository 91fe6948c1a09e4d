import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Nav } from '../components/nav';
import { SessionProvider } from '../components/session';
import './globals.css';

export const metadata: Metadata = {
  title: 'Bolsa — home broker',
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
