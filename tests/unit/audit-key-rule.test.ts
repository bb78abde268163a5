import { describe, expect, it } from "vitest";
import { assertAuditKey, auditKeyRequired, ConfigError, parseEnv } from "@/lib/env";

const KEY = `0x${"11".repeat(32)}`;

describe("the AUDIT_SIGNING_KEY rule", () => {
  it("lets a devnet (the default, also under npm start's production build) run without it", () => {
    const env = parseEnv({ NODE_ENV: "production" });
    expect(auditKeyRequired(env)).toBe(false);
    expect(() => assertAuditKey(env)).not.toThrow();
  });

  it("refuses a real deployment (DEVNET=false) without it, in one sentence naming it", () => {
    const env = parseEnv({ DEVNET: "false" });
    expect(() => assertAuditKey(env)).toThrow(ConfigError);
    expect(() => assertAuditKey(env)).toThrow(/^AUDIT_SIGNING_KEY is required with DEVNET=false: /);
    expect(() =>
      assertAuditKey(parseEnv({ DEVNET: "false", AUDIT_SIGNING_KEY: KEY })),
    ).not.toThrow();
  });

  it("follows REQUIRE_AUDIT_KEY either way when it is set", () => {
    expect(() => assertAuditKey(parseEnv({ REQUIRE_AUDIT_KEY: "true" }))).toThrow(
      /REQUIRE_AUDIT_KEY=true/,
    );
    expect(auditKeyRequired(parseEnv({ DEVNET: "false", REQUIRE_AUDIT_KEY: "false" }))).toBe(false);
  });
});
