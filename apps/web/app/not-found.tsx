import type { Metadata } from 'next';
import { MissingPage } from '../components/missing-page';

export const metadata: Metadata = { title: 'Página não encontrada' };

/** Any address no page has, in the app's own look and language rather than the framework's default. */
export default function NotFound() {
  return (
    <MissingPage title="Página não encontrada">
      <p className="mt-2 text-sm text-muted">Este endereço não leva a nenhuma página da Bolsa.</p>
    </MissingPage>
  );
}
