import { Global, Module } from '@nestjs/common';
import { AdminGuard, AuthGuard } from './auth.guard.js';
import { Sessions } from './sessions.js';

/** Guards and sessions, available to every feature module. */
@Global()
@Module({ providers: [AuthGuard, AdminGuard, Sessions], exports: [AuthGuard, AdminGuard, Sessions] })
export class AuthModule {}
