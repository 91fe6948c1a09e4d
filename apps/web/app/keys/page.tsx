import { ApiKeys } from '../../components/api-keys';

export default function KeysPage() {
  return <ApiKeys />;
}
