import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import type { AdminSummary, PlatformHealth, ReconciliationView } from '@bolsa/contracts';
import { AdminGuard, AuthGuard } from '../auth/auth.guard.js';
import { AdminService } from './admin.service.js';

@Controller('api/admin')
@UseGuards(AuthGuard, AdminGuard)
export class AdminController {
  constructor(@Inject(AdminService) private readonly admin: AdminService) {}

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
}
