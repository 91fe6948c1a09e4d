import {
  AdminAccountsPage,
  AdminAccountView,
  AdminActionKind,
  AdminActionsPage,
  EndSessionsRequest,
  RevokeApiKeyRequest,
  SuspendAccountRequest,
  SuspendedAccountView,
} from '@bolsa/contracts';
import { bearer, errors, json, ref } from './openapi-helpers.js';

export const ADMIN_ACCOUNT_SCHEMAS = {
  AdminAccountsPage,
  AdminActionsPage,
  AdminAccountView,
  SuspendAccountRequest,
  SuspendedAccountView,
  RevokeApiKeyRequest,
  EndSessionsRequest,
};

const id = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const query = (name: string, schema: object, description: string) => ({
  name,
  in: 'query',
  required: false,
  schema,
  description,
});
const ok = (name: string) => ({ '200': { description: 'ok', ...json(ref(name)) } });

/** Administrators' account lookup and suspensions, and the log of what administrators did. */
export function adminAccountPaths(): Record<string, object> {
  return {
    '/api/admin/accounts': {
      get: {
        summary: 'Accounts, newest first (admins); the exchange’s own account is left out',
        security: bearer,
        parameters: [
          query('search', { type: 'string', maxLength: 100 }, 'part of the name or the email, in any case'),
          query('status', { type: 'string', enum: ['all', 'suspended'] }, 'suspended: only suspended accounts'),
          query('cursor', { type: 'string' }, 'the previous page’s nextCursor'),
          query('limit', { type: 'integer', minimum: 1, maximum: 200 }, '50 when absent'),
        ],
        responses: { ...ok('AdminAccountsPage'), ...errors(400, 401, 403) },
      },
    },
    '/api/admin/actions': {
      get: {
        summary:
          'What administrators did, newest first (admins): halts and resumptions, closes of the day (by null: the ' +
          'exchange’s clock), suspensions with their reason and reinstatements, each with its request’s trace id',
        security: bearer,
        parameters: [
          query('action', { type: 'string', enum: AdminActionKind.options }, 'one kind'),
          query('cursor', { type: 'string' }, 'the previous page’s nextCursor'),
          query('limit', { type: 'integer', minimum: 1, maximum: 200 }, '50 when absent'),
        ],
        responses: { ...ok('AdminActionsPage'), ...errors(400, 401, 403) },
      },
    },
    '/api/admin/accounts/{id}': {
      get: {
        summary: 'An account, how many of its orders are live, its balances and its suspensions (admins)',
        security: bearer,
        parameters: [id],
        responses: { ...ok('AdminAccountView'), ...errors(401, 403, 404) },
      },
    },
    '/api/admin/accounts/{id}/suspension': {
      post: {
        summary:
          'Suspend a trader’s account: its new orders, amends and withdrawals get 403 account_suspended (cancels ' +
          'and logins go on) and a cancel is sent for each of its live orders. Suspending it again keeps the first ' +
          'reason and sends the cancels again (503 if Kafka could not take them: repeat it). Admins only; 403 for ' +
          'an admin’s account',
        security: bearer,
        parameters: [id],
        requestBody: json(ref('SuspendAccountRequest')),
        responses: { ...ok('SuspendedAccountView'), ...errors(400, 401, 403, 404, 503) },
      },
      delete: {
        summary: 'Lift the account’s suspension (admins; an account not suspended is answered as it is)',
        security: bearer,
        parameters: [id],
        responses: { ...ok('AdminAccountView'), ...errors(401, 403, 404) },
      },
    },
    '/api/admin/accounts/{id}/api-keys/{keyId}/revocation': {
      post: {
        summary:
          'Revoke one of the account’s API keys (a key that leaked, a program misbehaving), saying why: it stops ' +
          'working at once, and the administrators’ log keeps the reason. A revoked key is answered as it is. Admins only',
        security: bearer,
        parameters: [id, { name: 'keyId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        requestBody: json(ref('RevokeApiKeyRequest')),
        responses: { ...ok('AdminAccountView'), ...errors(400, 401, 403, 404) },
      },
    },
    '/api/admin/accounts/{id}/sessions/end': {
      post: {
        summary:
          'End every browser session of the account (a stolen cookie, a shared computer), saying why: its browsers ' +
          'must log in again; the administrators’ log keeps the reason. Admins only',
        security: bearer,
        parameters: [id],
        requestBody: json(ref('EndSessionsRequest')),
        responses: { ...ok('AdminAccountView'), ...errors(400, 401, 403, 404) },
      },
    },
  };
}
