import { Module } from '@nestjs/common';
import { MessagingModule } from '../messaging/messaging.module.js';
import { SessionCloser } from './session-closer.js';
import { SessionsController } from './sessions.controller.js';

@Module({ imports: [MessagingModule], controllers: [SessionsController], providers: [SessionCloser] })
export class SessionsModule {}
