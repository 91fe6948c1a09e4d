import { Global, Module } from '@nestjs/common';
import { ChangeNotifier } from './change-notifier.js';
import { PgNotifications } from './pg-notifications.js';
import { PrismaService } from './prisma.service.js';
import { SqlPool } from './sql-pool.js';

@Global()
@Module({
  providers: [PrismaService, SqlPool, PgNotifications, ChangeNotifier],
  exports: [PrismaService, SqlPool, PgNotifications, ChangeNotifier],
})
export class DatabaseModule {}
