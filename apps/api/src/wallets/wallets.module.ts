import { Module } from '@nestjs/common';
import { WalletNotifications } from './wallet-notifications.js';
import { WalletStore } from './wallet-store.js';
import { WalletsController } from './wallets.controller.js';

@Module({
  controllers: [WalletsController],
  providers: [WalletStore, WalletNotifications],
  exports: [WalletStore, WalletNotifications],
})
export class WalletsModule {}
