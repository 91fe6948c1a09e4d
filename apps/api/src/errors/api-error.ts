import type { ApiErrorCode, FieldError } from '@bolsa/contracts';

/** The largest request body the API reads. */
export const BODY_LIMIT_BYTES = 64 * 1024;

const STATUS: Record<ApiErrorCode, number> = {
  validation_failed: 400,
  malformed_json: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  unknown_symbol: 404,
  idempotency_conflict: 409,
  duplicate_client_order_id: 409,
  order_not_open: 409,
  trading_halted: 409,
  market_closed: 409,
  auction_call: 409,
  day_not_closed_early: 409,
  account_suspended: 403,
  insufficient_funds: 422,
  insufficient_shares: 422,
  too_many_alerts: 409,
  invalid_credentials: 401,
  password_incorrect: 403,
  email_taken: 409,
  csrf_failed: 403,
  read_only_key: 403,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
};

/** The one error type of the API: a machine-readable code, a message for people, and details. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly details: Record<string, unknown> & { fields?: FieldError[] };

  constructor(code: ApiErrorCode, message: string, details: Record<string, unknown> & { fields?: FieldError[] } = {}) {
    // A 4xx is an answer, not a fault: nothing reads its stack (only 5xx are logged, with theirs), and capturing one
    // was the largest single cost of a refused request, which a client past its rate limit may send many of.
    const status = STATUS[code];
    const stackTraceLimit = Error.stackTraceLimit;
    if (status < 500) Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = stackTraceLimit;
    this.status = status;
    this.code = code;
    this.details = details;
  }

  static validation(fields: FieldError[]): ApiError {
    return new ApiError('validation_failed', fields.map((field) => field.message).join('; '), { fields });
  }
}
