'use client';
import type { AccountView, AdminAccountsPage } from '@bolsa/contracts';
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../lib/api';
import { withOlderAt, type Page } from '../lib/pages';
import { AdminAccountDetails } from './admin-account-details';
import { LoadMore } from './load-more';

const PAGE = 20;

function accountsPath(search: string, suspendedOnly: boolean, cursor: string | null): string {
  const query = new URLSearchParams({ limit: String(PAGE) });
  if (search !== '') query.set('search', search);
  if (suspendedOnly) query.set('status', 'suspended');
  if (cursor !== null) query.set('cursor', cursor);
  return `/api/admin/accounts?${query.toString()}`;
}

/**
 * Accounts for support and compliance: found by name or email, newest first; one picked shows its details.
 * `onChanged` once an account is suspended or reinstated.
 */
export function AdminAccounts({ onChanged }: { onChanged?: () => void }) {
  const [search, setSearch] = useState('');
  // What the list shows: the search last asked for (`asked` tells a repeat of the same search from no change).
  const [query, setQuery] = useState({ search: '', suspendedOnly: false, asked: 0 });
  const [page, setPage] = useState<Page<AccountView> | null>(null);
  const [loading, setLoading] = useState(false);
  const [failed, setFailed] = useState(false);
  const [picked, setPicked] = useState<string | null>(null);

  // The first page of each search; an answer to a search since replaced is dropped.
  useEffect(() => {
    let current = true;
    setFailed(false);
    api<AdminAccountsPage>('GET', accountsPath(query.search, query.suspendedOnly, null))
      .then((first) => current && setPage(first))
      .catch(() => current && setFailed(true));
    return () => {
      current = false;
    };
  }, [query]);

  const loadMore = (cursor: string) => {
    setLoading(true);
    api<AdminAccountsPage>('GET', accountsPath(query.search, query.suspendedOnly, cursor))
      .then((older) => setPage((listed) => withOlderAt(listed, cursor, older)))
      .catch(() => setFailed(true))
      .finally(() => setLoading(false));
  };

  const find = (event: FormEvent) => {
    event.preventDefault();
    setQuery((current) => ({ ...current, search: search.trim(), asked: current.asked + 1 }));
  };
  // A suspension or reinstatement shows in the list at once.
  const changed = (account: AccountView) => {
    onChanged?.();
    setPage((listed) =>
      listed === null
        ? listed
        : { ...listed, items: listed.items.map((item) => (item.accountId === account.accountId ? account : item)) },
    );
  };

  return (
    <section className="rounded border border-edge bg-panel text-xs" aria-label="Contas">
      <h2 className="border-b border-edge px-2 py-1.5 font-semibold uppercase tracking-wide text-gray-400">Contas</h2>
      <form onSubmit={find} className="flex flex-wrap items-center gap-2 px-2 py-2">
        <input
          aria-label="Buscar conta"
          placeholder="nome ou e-mail"
          value={search}
          maxLength={100}
          onChange={(event) => setSearch(event.target.value)}
          className="min-w-0 flex-1 rounded border border-gray-700 bg-gray-950 px-2 py-0.5"
        />
        <label className="flex items-center gap-1 text-gray-400">
          <input
            type="checkbox"
            checked={query.suspendedOnly}
            onChange={(event) =>
              setQuery((current) => ({ ...current, suspendedOnly: event.target.checked, asked: current.asked + 1 }))
            }
          />
          só suspensas
        </label>
        <button type="submit" className="rounded bg-gray-800 px-2 py-0.5 text-sky-300 hover:bg-gray-700">
          Buscar
        </button>
      </form>
      {failed && <p className="px-2 text-rose-400">Não foi possível buscar as contas.</p>}
      <table className="w-full" data-testid="admin-accounts">
        <tbody>
          {page?.items.map((account) => (
            <tr
              key={account.accountId}
              onClick={() => setPicked(account.accountId === picked ? null : account.accountId)}
              className={`cursor-pointer border-t border-edge hover:bg-gray-800 ${account.accountId === picked ? 'bg-gray-800' : ''}`}
              data-testid="admin-account-row"
            >
              <td className="px-2 py-0.5 text-gray-200">{account.name}</td>
              {/* An email has no spaces to wrap at: it may break anywhere rather than push the table past a phone's width. */}
              <td className="px-2 py-0.5 text-gray-400 wrap-anywhere">{account.email}</td>
              <td className="px-2 py-0.5 text-muted">{account.role === 'admin' ? 'admin' : ''}</td>
              <td className={`px-2 py-0.5 text-right ${account.suspension === null ? 'text-muted' : 'text-rose-400'}`}>
                {account.suspension === null ? 'ativa' : 'suspensa'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {page?.items.length === 0 && <p className="px-2 py-1 text-muted">Nenhuma conta encontrada.</p>}
      {page !== null && page.nextCursor !== null && (
        <LoadMore loading={loading} onLoad={() => loadMore(page.nextCursor!)} />
      )}
      {picked !== null && <AdminAccountDetails accountId={picked} onChanged={changed} />}
    </section>
  );
}
