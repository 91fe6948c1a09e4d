/** "Carregar mais" under a list that has older pages: the next page is on its way while `loading`. */
export function LoadMore({ loading, onLoad }: { loading: boolean; onLoad: () => void }) {
  return (
    <div className="border-t border-edge px-3 py-1.5 text-center">
      <button
        type="button"
        disabled={loading}
        onClick={onLoad}
        className="rounded px-3 py-0.5 text-xs text-sky-300 hover:bg-gray-800 disabled:opacity-50"
      >
        {loading ? 'Carregando…' : 'Carregar mais'}
      </button>
    </div>
  );
}
