import { Body, Controller, Get, Headers, HttpCode, Inject, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import {
  LedgerReason,
  parseScaledDecimal,
  TransferRequest,
  type LedgerEntryView,
  type WalletView,
} from '@bolsa/contracts';
import type { FastifyReply } from 'fastify';
import { AuthGuard, callerOf, type AuthenticatedRequest } from '../auth/auth.guard.js';
import { ApiError } from '../errors/api-error.js';
import { parseBody } from '../errors/parse-body.js';
import {
  decodeCursor,
  encodeCursor,
  idempotencyKey,
  oneOf,
  pageLimit,
  someOf,
  timeRange,
} from '../errors/query-params.js';
import { asCsvDownload, csvFile } from '../http/csv-file.js';
import { traceOf, type TracedRequest } from '../observability/trace.js';
import { WalletStore } from './wallet-store.js';
import { toLedgerEntryView, toWalletView } from './wallet-views.js';

type Request = AuthenticatedRequest & TracedRequest;

/** The statement's CSV columns: an entry's fields, as `GET /api/me/ledger` gives them. */
const STATEMENT_COLUMNS = [
  'entry_id',
  'created_at',
  'asset',
  'reason',
  'symbol',
  'side',
  'available_change',
  'held_change',
  'available_after',
  'held_after',
  'order_id',
  'trade_id',
] as const;

/** Demo money: at most this much per deposit or withdrawal (R$ 1,000,000.00). */
const MAX_TRANSFER_CENTS = 100_000_000;

@Controller('api/me')
@UseGuards(AuthGuard)
export class WalletsController {
  constructor(@Inject(WalletStore) private readonly wallets: WalletStore) {}

  @Get('wallet')
  async wallet(@Req() request: Request): Promise<WalletView> {
    return toWalletView(await this.wallets.balances(callerOf(request).accountId));
  }

  /**
   * Newest first; filter by asset ("BRL" or a symbol), reasons (comma-separated) and time. JSON pages, or with
   * `format=csv` every matching entry as one CSV file (the statement, for a spreadsheet).
   */
  @Get('ledger')
  async ledger(
    @Req() request: Request,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('asset') asset?: string,
    @Query('reason') reason?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: string,
    @Query('format') format?: string,
  ): Promise<{ items: LedgerEntryView[]; nextCursor: string | null } | string> {
    if (asset !== undefined && !/^[A-Z0-9]{1,12}$/.test(asset)) {
      throw ApiError.validation([{ field: 'asset', code: 'invalid', message: 'asset must be BRL or a symbol' }]);
    }
    const accountId = callerOf(request).accountId;
    const filter = { asset, reasons: someOf('reason', reason, LedgerReason.options), ...timeRange(from, to) };
    if (oneOf('format', format, ['json', 'csv'] as const) === 'csv') {
      asCsvDownload(reply, 'bolsa-extrato.csv');
      return csvFile(
        STATEMENT_COLUMNS,
        (beforeId: bigint | undefined, size) => this.wallets.ledger(accountId, { ...filter, beforeId, limit: size }),
        (last) => BigInt(last.id),
        (row) => {
          const entry = toLedgerEntryView(row);
          return [
            entry.entryId,
            entry.createdAt,
            entry.asset,
            entry.reason,
            entry.symbol,
            entry.side,
            entry.availableChange,
            entry.heldChange,
            entry.availableAfter,
            entry.heldAfter,
            entry.orderId,
            entry.tradeId,
          ];
        },
      );
    }
    const size = pageLimit(limit);
    const before = decodeCursor(cursor, ['integer'])?.[0];
    const entries = await this.wallets.ledger(accountId, {
      ...filter,
      beforeId: before === undefined ? undefined : BigInt(before),
      limit: size,
    });
    return {
      items: entries.map(toLedgerEntryView),
      nextCursor: entries.length === size ? encodeCursor([entries.at(-1)!.id]) : null,
    };
  }

  @Post('deposits')
  @HttpCode(201)
  deposit(
    @Req() request: Request,
    @Body() body: unknown,
    @Headers('idempotency-key') key?: string,
  ): Promise<LedgerEntryView> {
    return this.transfer(request, 'deposit', body, key);
  }

  @Post('withdrawals')
  @HttpCode(201)
  withdraw(
    @Req() request: Request,
    @Body() body: unknown,
    @Headers('idempotency-key') key?: string,
  ): Promise<LedgerEntryView> {
    return this.transfer(request, 'withdrawal', body, key);
  }

  private async transfer(
    request: Request,
    kind: 'deposit' | 'withdrawal',
    body: unknown,
    key: string | undefined,
  ): Promise<LedgerEntryView> {
    idempotencyKey(key);
    const amount = parseScaledDecimal(parseBody(TransferRequest, body).amount, 2);
    if (!amount.ok) {
      throw ApiError.validation([
        { field: 'amount', code: amount.error.code, message: `amount ${amount.error.message}` },
      ]);
    }
    if (amount.value > MAX_TRANSFER_CENTS) {
      throw ApiError.validation([
        { field: 'amount', code: 'too_large', message: 'amount must be at most 1000000.00 per transfer' },
      ]);
    }
    const entry = await this.wallets.transfer(
      callerOf(request).accountId,
      kind,
      BigInt(amount.value),
      key,
      traceOf(request),
    );
    return toLedgerEntryView(entry);
  }
}
