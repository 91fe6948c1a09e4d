import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from 'react';

/** A control under its label. */
function Labelled({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-xs text-gray-400">
        {label}
      </label>
      {children}
    </div>
  );
}

/** A labelled input with its error shown under it and announced to screen readers. */
export function Field({
  id,
  label,
  error,
  ...input
}: { id: string; label: string; error?: string | undefined } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <Labelled id={id} label={label}>
      <input
        id={id}
        name={id}
        aria-invalid={error !== undefined}
        aria-describedby={error === undefined ? undefined : `${id}-error`}
        className={`num rounded border bg-gray-950 px-2 py-1.5 text-sm text-white outline-none focus:border-sky-500 ${
          error === undefined ? 'border-gray-700' : 'border-rose-500'
        }`}
        {...input}
      />
      {error !== undefined && (
        <p id={`${id}-error`} role="alert" className="text-xs text-rose-400" data-testid={`${id}-error`}>
          {error}
        </p>
      )}
    </Labelled>
  );
}

/** A labelled choice among fixed options, each a value and the words shown for it. */
export function SelectField({
  id,
  label,
  options,
  ...select
}: {
  id: string;
  label: string;
  options: ReadonlyArray<readonly [string, string]>;
} & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <Labelled id={id} label={label}>
      <select
        id={id}
        className="rounded border border-gray-700 bg-gray-950 px-2 py-1.5 text-sm disabled:opacity-50"
        {...select}
      >
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </Labelled>
  );
}
