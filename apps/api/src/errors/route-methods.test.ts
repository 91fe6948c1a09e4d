import { describe, expect, it } from 'vitest';
import { RouteMethods } from './route-methods.js';

describe('RouteMethods', () => {
  const routes = new RouteMethods();
  routes.add(['GET', 'HEAD'], '/api/orders/:id');
  routes.add('DELETE', '/api/orders/:id');
  routes.add('POST', '/api/orders');
  routes.add('GET', '/api/markets/:symbol/book');

  it('lists the methods of the route a path matches and OPTIONS, parameters and query string aside', () => {
    expect(routes.allowedFor('/api/orders/4f1c')).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS']);
    expect(routes.allowedFor('/api/orders?status=open')).toEqual(['OPTIONS', 'POST']);
    expect(routes.allowedFor('/api/markets/PETR4/book?depth=5')).toEqual(['GET', 'OPTIONS']);
  });

  it('lists none for a path no route has', () => {
    expect(routes.allowedFor('/api/nothing')).toEqual([]);
    expect(routes.allowedFor('/api/orders/4f1c/more')).toEqual([]);
    expect(routes.allowedFor('/api/orders/')).toEqual([]);
    expect(routes.allowedFor('/api/markets//book')).toEqual([]);
  });

  it('reads the literal parts of a route literally', () => {
    const dotted = new RouteMethods();
    dotted.add('GET', '/files/report.csv');
    expect(dotted.allowedFor('/files/report.csv')).toEqual(['GET', 'OPTIONS']);
    expect(dotted.allowedFor('/files/reportXcsv')).toEqual([]);
  });
});
