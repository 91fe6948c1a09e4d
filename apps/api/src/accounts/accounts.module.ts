import { Module } from '@nestjs/common';
import { WalletsModule } from '../wallets/wallets.module.js';
import { AccountsController } from './accounts.controller.js';
import { AccountsService } from './accounts.service.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthController } from './auth.controller.js';

@Module({
  imports: [WalletsModule],
  controllers: [AccountsController, AuthController],
  providers: [AccountsService, ApiKeysService],
  exports: [AccountsService],
})
export class AccountsModule {}
