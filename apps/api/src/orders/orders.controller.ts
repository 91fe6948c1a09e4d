import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import type { OrderView } from '@bolsa/contracts';
import { AuthGuard, type AuthenticatedRequest } from '../auth/auth.guard.js';
import { clientOrderId } from '../errors/query-params.js';
import { traceOf, type TracedRequest } from '../observability/trace.js';
import { OrderTimelineService, type TimelinePage } from './order-timeline.service.js';
import { OrdersService, type Caller } from './orders.service.js';

type Request = AuthenticatedRequest & TracedRequest;

function callerOf(request: Request): Caller {
  return { accountId: request.caller!.accountId, traceId: traceOf(request) };
}

@Controller('api/orders')
@UseGuards(AuthGuard)
export class OrdersController {
  constructor(
    @Inject(OrdersService) private readonly orders: OrdersService,
    @Inject(OrderTimelineService) private readonly timelines: OrderTimelineService,
  ) {}

  /** 202: the order is recorded and on its way to the engine; its status follows the engine's events. */
  @Post()
  @HttpCode(202)
  place(@Req() request: Request, @Body() body: unknown, @Headers('idempotency-key') key?: string): Promise<OrderView> {
    return this.orders.place(callerOf(request), body, key);
  }

  @Get()
  list(
    @Req() request: Request,
    @Query('status') status?: string,
    @Query('clientOrderId') clientOrderIdParam?: string,
  ): Promise<OrderView[]> {
    return this.orders.list(callerOf(request), status, clientOrderId(clientOrderIdParam));
  }

  @Get(':id')
  get(@Req() request: Request, @Param('id') id: string): Promise<OrderView> {
    return this.orders.view(callerOf(request), id);
  }

  /** The order's life step by step, oldest first: received, accepted, fills, amends, refusals, how it ended. */
  @Get(':id/timeline')
  timeline(
    @Req() request: Request,
    @Param('id') id: string,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: string,
  ): Promise<TimelinePage> {
    return this.timelines.page(request.caller!.accountId, id, cursor, limit);
  }

  /** 202: cancels every open order of the caller, or of one `symbol`; answers with the orders it cancels. */
  @Delete()
  @HttpCode(202)
  cancelAll(@Req() request: Request, @Query('symbol') symbol?: string): Promise<OrderView[]> {
    return this.orders.cancelAll(callerOf(request), symbol);
  }

  @Delete(':id')
  @HttpCode(202)
  cancel(@Req() request: Request, @Param('id') id: string): Promise<OrderView> {
    return this.orders.cancel(callerOf(request), id);
  }

  @Patch(':id')
  @HttpCode(202)
  amend(@Req() request: Request, @Param('id') id: string, @Body() body: unknown): Promise<OrderView> {
    return this.orders.amend(callerOf(request), id, body);
  }
}
