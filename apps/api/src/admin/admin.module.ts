import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller.js';
import { AdminService } from './admin.service.js';
import { BooksReconciler } from './books-reconciler.js';

@Module({ controllers: [AdminController], providers: [AdminService, BooksReconciler] })
export class AdminModule {}
