import { Global, Module } from '@nestjs/common';
import { PgNotifications } from './pg-notifications.js';
import { PrismaService } from './prisma.service.js';
import { SqlPool } from './sql-pool.js';

@Global()
@Module({
  providers: [PrismaService, SqlPool, PgNotifications],
  exports: [PrismaService, SqlPool, PgNotifications],
})
export class DatabaseModule {}
