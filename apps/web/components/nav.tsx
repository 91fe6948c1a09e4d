'use client';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useSession } from './session';
import { SuspensionBanner } from './suspension-banner';
import { UnreachableBanner } from './unreachable-banner';

export function Nav() {
  const { account, logOut } = useSession();
  const router = useRouter();
  const path = usePathname();
  const link = (href: string, label: string) => (
    <Link
      href={href}
      className={`whitespace-nowrap rounded px-2 py-1 hover:bg-gray-800 focus-visible:outline-2 focus-visible:outline-sky-400 ${
        path.startsWith(href) ? 'text-white' : 'text-gray-400'
      }`}
    >
      {label}
    </Link>
  );
  return (
    <header className="border-b border-edge bg-panel">
      <nav
        className="mx-auto flex max-w-[1600px] flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 text-sm"
        aria-label="Principal"
      >
        <Link href="/markets" className="mr-2 text-base font-semibold tracking-tight text-white">
          Bolsa
        </Link>
        {link('/markets', 'Mercado')}
        {link('/trade', 'Negociar')}
        {account !== null && link('/account', 'Conta')}
        {account !== null && link('/keys', 'Chaves de API')}
        {account?.role === 'admin' && link('/admin', 'Painel admin')}
        <span className="ml-auto text-gray-400">
          {account === null ? (
            <>
              {link('/login', 'Entrar')} {link('/signup', 'Criar conta')}
            </>
          ) : (
            <>
              <span className="mr-3 hidden sm:inline" data-testid="account-email">
                {account.email}
              </span>
              <button
                type="button"
                className="rounded px-2 py-1 text-gray-300 hover:bg-gray-800 focus-visible:outline-2 focus-visible:outline-sky-400"
                onClick={() => void logOut().then(() => router.push('/login'))}
              >
                Sair
              </button>
            </>
          )}
        </span>
      </nav>
      <SuspensionBanner />
      <UnreachableBanner />
    </header>
  );
}
