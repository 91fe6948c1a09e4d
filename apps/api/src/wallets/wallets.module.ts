import { Module } from '@nestjs/common';
import { WalletStore } from './wallet-store.js';
import { WalletsController } from './wallets.controller.js';

@Module({
  controllers: [WalletsController],
  providers: [WalletStore],
  exports: [WalletStore],
})
export class WalletsModule {}
