import type { Metadata } from 'next';
import { TradingScreen } from '../../../components/trading-screen';

/** The instrument's symbol until its price is known; the screen then keeps the title live (`tradingTitle`). */
export async function generateMetadata({ params }: { params: Promise<{ symbol: string }> }): Promise<Metadata> {
  return { title: (await params).symbol.toUpperCase() };
}

export default async function TradePage({ params }: { params: Promise<{ symbol: string }> }) {
  const { symbol } = await params;
  return <TradingScreen symbol={symbol.toUpperCase()} />;
}
