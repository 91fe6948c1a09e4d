import { Module } from '@nestjs/common';
import { CommandPublisher, KafkaClient } from './kafka.js';

@Module({ providers: [KafkaClient, CommandPublisher], exports: [KafkaClient, CommandPublisher] })
export class MessagingModule {}
