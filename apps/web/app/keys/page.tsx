import type { Metadata } from 'next';
import { ApiKeys } from '../../components/api-keys';

export const metadata: Metadata = { title: 'Chaves de API' };

export default function KeysPage() {
  return <ApiKeys />;
}
