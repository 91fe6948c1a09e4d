import { Module } from '@nestjs/common';
import { InstrumentsController } from './instruments.controller.js';

@Module({ controllers: [InstrumentsController] })
export class MarketsModule {}
