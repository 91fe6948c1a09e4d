import { TradingScreen } from '../../../components/trading-screen';

export default async function TradePage({ params }: { params: Promise<{ symbol: string }> }) {
  const { symbol } = await params;
  return <TradingScreen symbol={symbol.toUpperCase()} />;
}
