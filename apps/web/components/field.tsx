import type { InputHTMLAttributes } from 'react';

/** A labelled input with its error shown under it and announced to screen readers. */
export function Field({
  id,
  label,
  error,
  ...input
}: { id: string; label: string; error?: string | undefined } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-xs text-gray-400">
        {label}
      </label>
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
    </div>
  );
}
