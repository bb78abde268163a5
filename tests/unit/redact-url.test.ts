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

  it("replaces a configured URL's keys where they appear alone, not its short words", () => {
    const page = "HTTP 404 (The requested URL /v3/KEYPATH123?apikey=QUERYKEY456 was not found)";
    expect(redactSecrets(`${page}; user user, password sekret`, [KEYED])).toBe(
      "HTTP 404 (The requested URL /v3/***?apikey=*** was not found); user user, password ***",
    );
    expect(
      redactSecrets("token abc%2Fdef12345 or abc/def12345", ["https://h.io/abc%2Fdef12345"]),
    ).toBe("token *** or ***");
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
