import { createServer } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { webServerConfig } from './config.js';
import { forwardedFor } from './lib/forwarded-for.js';

/**
 * The web app's server: Next's own request handler behind a Node HTTP server of ours, for the one thing `next start`
 * cannot do, which is to append the address each request came from to its `X-Forwarded-For` (see `forwardedFor`).
 * Built by `tsc -p tsconfig.server.json` into `dist/`, beside Next's `.next/`.
 */
const { port, host } = webServerConfig();
// Set before Next (and React) load, as `next start` does: they choose their production builds by it.
Object.assign(process.env, { NODE_ENV: 'production' });
const { default: next } = await import('next');
const app = next({ dev: false, dir: resolve(dirname(fileURLToPath(import.meta.url)), '..'), hostname: host, port });
const handle = app.getRequestHandler();
await app.prepare();

const server = createServer((request, response) => {
  const received = request.headers['x-forwarded-for'];
  const forwarded = forwardedFor(
    Array.isArray(received) ? received.join(', ') : received,
    request.socket.remoteAddress,
  );
  if (forwarded === undefined) delete request.headers['x-forwarded-for'];
  else request.headers['x-forwarded-for'] = forwarded;
  void handle(request, response);
});
server.listen(port, host, () => console.log(`web listening on http://${host}:${port}`));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    process.exit(0);
  });
}
