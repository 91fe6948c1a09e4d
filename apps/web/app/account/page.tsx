import { AccountScreen } from '../../components/account-screen';

export default function AccountPage() {
  return <AccountScreen />;
}
