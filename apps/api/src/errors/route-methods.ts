/**
 * The methods each route is answered for, gathered as routes are registered: a request whose path a route has, with
 * a method it has no handler for, is answered 405 with `Allow` rather than 404 (RFC 9110, 15.5.6), and `OPTIONS` for
 * such a path is answered 204 with `Allow` (RFC 9110, 9.3.7).
 */
export class RouteMethods {
  private readonly routes: { readonly pattern: RegExp; readonly method: string }[] = [];

  /** A route as Fastify registers it (`onRoute`): its method or methods, and its URL with `:name` parameters. */
  add(method: string | readonly string[], url: string): void {
    const pattern = patternOf(url);
    for (const one of typeof method === 'string' ? [method] : method) this.routes.push({ pattern, method: one });
  }

  /**
   * The methods `url`'s path is answered for, `OPTIONS` among them, in alphabetical order; none when no route has
   * that path.
   */
  allowedFor(url: string): string[] {
    const path = url.split('?', 1)[0] ?? '';
    const methods = new Set(this.routes.filter((route) => route.pattern.test(path)).map((route) => route.method));
    if (methods.size > 0) methods.add('OPTIONS');
    return [...methods].sort();
  }
}

/** A route URL as a regular expression: each `:name` segment matches any one segment, the rest itself. */
function patternOf(url: string): RegExp {
  const segments = url
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${segments.join('/')}$`);
}
