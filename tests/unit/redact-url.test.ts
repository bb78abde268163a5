import { describe, expect, it } from "vitest";
import { displayRpcUrl, redactSecrets } from "@/lib/chain/redact-url";

const KEYED = "https://user:sekret@mainnet.example.io:8545/v3/KEYPATH123?apikey=QUERYKEY456";

describe("displayRpcUrl()", () => {
  it("keeps scheme, host and port, and drops credentials, path and query", () => {
    expect(displayRpcUrl(KEYED)).toBe("https://mainnet.example.io:8545");
    expect(displayRpcUrl("https://base-mainnet.g.alchemy.com/v2/abcdefABCDEF0123456789")).toBe(
      "https://base-mainnet.g.alchemy.com",
    );
  });

  it("says an unparsable value is invalid instead of echoing it", () => {
    expect(displayRpcUrl("not a url sekret")).toBe("<invalid url>");
  });
});

describe("redactSecrets()", () => {
  it("replaces a URL with credentials or a query by its host form inside a sentence", () => {
    const text = `eth_chainId to ${KEYED} failed. Retry http://a:b@127.0.0.1:9/x, later`;
    expect(redactSecrets(text)).toBe(
      "eth_chainId to https://mainnet.example.io:8545 failed. Retry http://127.0.0.1:9, later",
    );
  });

  it("replaces a key-like path segment, and any path of a configured URL", () => {
    expect(redactSecrets("see https://x.io/v2/abcdefABCDEF0123456789 now")).toBe(
      "see https://x.io now",
    );
    expect(redactSecrets('{"url":"https://x.io/v3/SHORT1"}', ["https://x.io/v3/SHORT1"])).toBe(
      '{"url":"https://x.io"}',
    );
  });

  it("leaves plain URLs and text alone", () => {
    const text = "dashboard: http://127.0.0.1:3000/audit and /api/v1/status";
    expect(redactSecrets(text)).toBe(text);
  });

  it("redacts a database URL's password too", () => {
    expect(redactSecrets("postgresql://postgres:hunter2@127.0.0.1:5432/postgres")).toBe(
      "postgresql://127.0.0.1:5432",
    );
  });
});
