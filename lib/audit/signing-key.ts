import fs from "node:fs";
import path from "node:path";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import type { Hex } from "viem";
import { assertAuditKey, type Env } from "@/lib/env";

/**
 * The server's audit key: AUDIT_SIGNING_KEY when set, else a key file under the data
 * directory, created (mode 0600) on first use so `npm start` on a devnet needs no
 * configuration. With `env`, a deployment that requires the key (DEVNET=false or
 * REQUIRE_AUDIT_KEY=true) refuses with a ConfigError instead. Its address is printed on
 * /audit so people can pin it.
 */
export function loadAuditSigner(options: {
  key?: string;
  dataDir: string;
  env?: Env;
}): PrivateKeyAccount {
  if (options.env) assertAuditKey(options.env);
  if (options.key) return privateKeyToAccount(options.key.toLowerCase() as Hex);
  const file = auditKeyFile(options.dataDir);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      fs.writeFileSync(file, `${generatePrivateKey()}\n`, { mode: 0o600, flag: "wx" });
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  const key = fs.readFileSync(file, "utf8").trim();
  if (!/^0x[0-9a-f]{64}$/i.test(key)) {
    throw new Error(
      `${file} does not hold a 0x-prefixed 32-byte key; remove it to make a new one.`,
    );
  }
  return privateKeyToAccount(key.toLowerCase() as Hex);
}

/** Where a data directory keeps the key it made for itself (without AUDIT_SIGNING_KEY). */
export function auditKeyFile(dataDir: string): string {
  return path.join(dataDir, "keys", "audit-signing.key");
}
