import { redirect } from 'next/navigation';

export default function Home() {
  redirect('/trade/PETR4');
}
