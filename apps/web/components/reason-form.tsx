'use client';
import { useState, type ReactNode } from 'react';

interface Props {
  /** What the field is, for screen readers. */
  readonly label: string;
  readonly placeholder: string;
  readonly submitText: string;
  readonly busy: boolean;
  /** Does what the reason is for; true when it did, and the field is emptied. */
  readonly onSubmit: (reason: string) => Promise<boolean>;
  /** More buttons, after the submit one. */
  readonly children?: ReactNode;
}

/** An administrator's action that needs a reason (at least 3 characters), and its button. */
export function ReasonForm({ label, placeholder, submitText, busy, onSubmit, children }: Props) {
  const [reason, setReason] = useState('');
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void onSubmit(reason.trim()).then((done) => done && setReason(''));
      }}
      className="mt-1 flex gap-2"
    >
      <input
        aria-label={label}
        placeholder={placeholder}
        value={reason}
        maxLength={500}
        onChange={(event) => setReason(event.target.value)}
        className="min-w-0 flex-1 rounded border border-gray-700 bg-gray-950 px-2 py-0.5"
      />
      <button
        type="submit"
        disabled={busy || reason.trim().length < 3}
        className="rounded bg-rose-900 px-2 py-0.5 text-rose-100 hover:bg-rose-800 disabled:opacity-50"
      >
        {submitText}
      </button>
      {children}
    </form>
  );
}
