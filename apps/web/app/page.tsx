import { redirect } from 'next/navigation';

/** The market first: open to everyone, and each symbol leads to its trading screen. */
export default function Home() {
  redirect('/markets');
}
