import { describe, expect, it } from "vitest";
import { ConfigError, parseEnv, sourcesFile } from "@/lib/env";

describe("parseEnv()", () => {
  it("needs no variable at all: the defaults run the local devnet", () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.DEVNET).toBe(true);
    expect(env.PORT).toBe(3000);
    expect(sourcesFile(env)).toMatch(/\.data\/devnet\/sources\.json$/);
  });

  it("names DATABASE_URL in one sentence when it is not a postgres URL", () => {
    expect(() => parseEnv({ DATABASE_URL: "mysql://localhost/db" })).toThrowError(
      /^DATABASE_URL is invalid: must be a postgres/,
    );
  });

  it("names the RPC variable when an RPC url is malformed", () => {
    const attempt = () => parseEnv({ OG_RPC_URL: "localhost:8545" });
    expect(attempt).toThrowError(ConfigError);
    expect(attempt).toThrowError(/^OG_RPC_URL is invalid/);
  });

  it("treats empty variables as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", PORT: "" }).PORT).toBe(3000);
  });

  it("uses the OpenGradient configuration when the devnet is off", () => {
    expect(sourcesFile(parseEnv({ DEVNET: "false" }))).toMatch(
      /config\/sources\.opengradient\.json$/,
    );
  });
});
