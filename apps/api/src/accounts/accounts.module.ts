import { Module } from '@nestjs/common';
import { LoginThrottle } from '../auth/login-throttle.js';
import { MessagingModule } from '../messaging/messaging.module.js';
import { WalletsModule } from '../wallets/wallets.module.js';
import { AccountSessions } from './account-sessions.js';
import { AccountSuspensions } from './account-suspensions.js';
import { AdminAccountsController } from './admin-accounts.controller.js';
import { AccountsController } from './accounts.controller.js';
import { AccountsService } from './accounts.service.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthController } from './auth.controller.js';
import { LoginSessionsController } from './login-sessions.controller.js';

@Module({
  imports: [WalletsModule, MessagingModule],
  controllers: [AccountsController, AuthController, AdminAccountsController, LoginSessionsController],
  providers: [AccountsService, ApiKeysService, AccountSuspensions, AccountSessions, LoginThrottle],
  exports: [AccountsService],
})
export class AccountsModule {}
