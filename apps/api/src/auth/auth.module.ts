import { Global, Module } from '@nestjs/common';
import { AdminGuard, AuthGuard } from './auth.guard.js';
import { KnownKeys } from './known-keys.js';
import { Sessions } from './sessions.js';

/** Guards and sessions, available to every feature module. */
@Global()
@Module({
  providers: [AuthGuard, AdminGuard, Sessions, KnownKeys],
  exports: [AuthGuard, AdminGuard, Sessions, KnownKeys],
})
export class AuthModule {}
