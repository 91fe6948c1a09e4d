import type { Metadata } from 'next';
import { MarketOverview } from '../../components/market-overview';

export const metadata: Metadata = { title: 'Mercado' };

export default function MarketsPage() {
  return <MarketOverview />;
}
