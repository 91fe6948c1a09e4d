import { Module } from '@nestjs/common';
import { InstrumentRegistry } from './instrument-registry.js';
import { InstrumentsController } from './instruments.controller.js';

@Module({ controllers: [InstrumentsController], providers: [InstrumentRegistry], exports: [InstrumentRegistry] })
export class MarketsModule {}
