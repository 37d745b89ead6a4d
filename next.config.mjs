/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The API and the scheduler run in server.ts, outside Next's bundles; the pages only call them.
  typedRoutes: false,
};

export default nextConfig;
