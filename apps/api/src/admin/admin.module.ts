import { Module } from '@nestjs/common';
import { AdminActions } from './admin-actions.js';
import { AdminController } from './admin.controller.js';
import { AdminService } from './admin.service.js';
import { BooksReconciler } from './books-reconciler.js';

@Module({ controllers: [AdminController], providers: [AdminActions, AdminService, BooksReconciler] })
export class AdminModule {}
