import type { NextConfig } from 'next';

/** `/api/*` is served by a streaming proxy route (app/api/[...path]/route.ts), not a rewrite baked in at build. */
const nextConfig: NextConfig = {
  // Compression would make proxies buffer Server-Sent Events.
  compress: false,
  poweredByHeader: false,
  reactStrictMode: true,
  transpilePackages: ['@bolsa/contracts'],
};

export default nextConfig;
