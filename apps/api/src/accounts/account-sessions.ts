import { Inject, Injectable } from '@nestjs/common';
import { recordAdminAction } from '../admin/admin-actions.js';
import { Sessions } from '../auth/sessions.js';
import { SqlPool } from '../database/sql-pool.js';

/** An administrator's side of an account's browser sessions. */
@Injectable()
export class AccountSessions {
  constructor(
    @Inject(SqlPool) private readonly sql: SqlPool,
    @Inject(Sessions) private readonly sessions: Sessions,
  ) {}

  /**
   * Ends every live session of the account (a stolen cookie, a shared computer), with the reason in the
   * administrators' log in the same transaction; when none was live, nothing changes and nothing is logged. How many
   * it ended.
   */
  async endAll(adminId: string, accountId: string, reason: string, traceId: string): Promise<number> {
    return this.sql.transaction(async (tx) => {
      const ended = await this.sessions.endOthers(accountId, null, tx);
      if (ended > 0) await recordAdminAction(tx, { action: 'end_sessions', adminId, accountId, reason, traceId });
      return ended;
    });
  }
}
