import { MarketOverview } from '../../components/market-overview';

export default function MarketsPage() {
  return <MarketOverview />;
}
