'use client';
import type { LoginSessionView } from '@bolsa/contracts';
import { useEffect, useState } from 'react';
import { api } from '../lib/api';
import { requestFailureText } from '../lib/error-text';
import { formatDateTime } from '../lib/format';
import { retrying } from '../lib/retrying';
import { describeUserAgent } from '../lib/user-agent';

/** The account's live logins, and ending one that is not the owner's (or every other one). */
export function LoginSessions() {
  const [sessions, setSessions] = useState<LoginSessionView[] | null>(null);
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => retrying(() => api<LoginSessionView[]>('GET', '/api/me/sessions'), setSessions), [version]);

  const act = async (request: () => Promise<unknown>, done: string) => {
    try {
      await request();
      setNotice(done);
    } catch (failure) {
      setNotice(requestFailureText(failure));
    }
    setVersion((n) => n + 1);
  };
  const others = (sessions ?? []).filter((session) => !session.current);

  return (
    <div className="flex flex-col gap-1 text-sm" data-testid="login-sessions">
      <ul>
        {(sessions ?? []).map((session) => (
          <li key={session.sessionId} className="flex items-center gap-2 py-1" data-testid="login-session">
            <div className="min-w-0 flex-1">
              <p className="truncate text-gray-200">
                {describeUserAgent(session.userAgent) ?? 'navegador desconhecido'}
              </p>
              <p className="text-xs text-muted">
                {formatDateTime(session.startedAt)}
                {session.address === null ? '' : ` · ${session.address}`}
              </p>
            </div>
            {session.current ? (
              <span className="whitespace-nowrap text-xs text-emerald-400">esta sessão</span>
            ) : (
              <button
                type="button"
                className="whitespace-nowrap text-xs text-rose-400"
                onClick={() =>
                  void act(() => api('DELETE', `/api/me/sessions/${session.sessionId}`), 'Sessão encerrada.')
                }
              >
                Encerrar
              </button>
            )}
          </li>
        ))}
      </ul>
      {others.length > 1 && (
        <button
          type="button"
          className="self-end rounded bg-gray-800 px-2 py-0.5 text-xs text-gray-200"
          onClick={() => void act(() => api('DELETE', '/api/me/sessions'), 'Outras sessões encerradas.')}
        >
          Encerrar as outras
        </button>
      )}
      {notice !== null && (
        <p role="status" className="text-xs text-gray-400" data-testid="login-sessions-notice">
          {notice}
        </p>
      )}
    </div>
  );
}
