import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import type { AdminActionsPage, AdminSummary, PlatformHealth, ReconciliationView } from '@bolsa/contracts';
import { AdminGuard, AuthGuard } from '../auth/auth.guard.js';
import { AdminActions } from './admin-actions.js';
import { AdminService } from './admin.service.js';

@Controller('api/admin')
@UseGuards(AuthGuard, AdminGuard)
export class AdminController {
  constructor(
    @Inject(AdminService) private readonly admin: AdminService,
    @Inject(AdminActions) private readonly actions: AdminActions,
  ) {}

  @Get('summary')
  summary(): Promise<AdminSummary> {
    return this.admin.summary();
  }

  @Get('health')
  health(): Promise<PlatformHealth> {
    return this.admin.health();
  }

  /** Reads every balance, order, trade and ledger entry: on demand, not for a dashboard to poll. */
  @Get('reconciliation')
  reconciliation(): Promise<ReconciliationView> {
    return this.admin.reconciliation();
  }

  /** What administrators did to the market and to accounts, newest first (`action` one kind; `cursor` pages). */
  @Get('actions')
  adminActions(
    @Query('action') action?: string,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: string,
  ): Promise<AdminActionsPage> {
    return this.actions.page({ action, cursor, limit });
  }
}
