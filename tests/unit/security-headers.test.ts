import { describe, expect, it } from "vitest";
import { checkAtTheDoor } from "@/lib/api/door";
import { evidenceLinkSchema } from "@/lib/api/schemas/incidents";
import { isInternalHref } from "@/lib/web/links";
import { newNonce, pageCsp, servedOverHttps } from "@/lib/web/security-headers";

describe("isInternalHref()", () => {
  it("keeps a path in this app internal", () => {
    for (const href of ["/", "/o/0xabc", "/incidents/1?share=x#top", "/models/a%2Fb"]) {
      expect(isInternalHref(href), href).toBe(true);
    }
  });

  it("treats what a browser reads as another host as external", () => {
    for (const href of [
      "//evil.example/x",
      "/\\evil.example/x",
      "\\\\evil.example",
      "/a\\b",
      "/\t/evil.example",
      "/\n/evil.example",
      "/ /x",
      "https://evil.example",
      "javascript:alert(1)",
      "evil.example",
      "",
    ]) {
      expect(isInternalHref(href), JSON.stringify(href)).toBe(false);
    }
  });

  it("makes an incident's evidence link a path without a backslash, or an http(s) URL", () => {
    expect(evidenceLinkSchema.safeParse("/o/0xabc").success).toBe(true);
    expect(evidenceLinkSchema.safeParse("https://example.org/report").success).toBe(true);
    for (const bad of ["/\\evil.example", "//evil.example", "/a\\b", "javascript:alert(1)"]) {
      expect(evidenceLinkSchema.safeParse(bad).success, bad).toBe(false);
    }
  });
});

describe("pageCsp()", () => {
  const base = { nonce: "abc123==", dev: false, devnet: false, https: false };

  it("lets only the request's nonced scripts run, and refuses to be framed", () => {
    const csp = pageCsp(base);
    expect(csp).toContain("script-src 'self' 'nonce-abc123==';");
    expect(csp).not.toContain("strict-dynamic");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toContain("upgrade-insecure-requests");
  });

  it("allows eval and hot reload under `npm run dev` only, local RPCs on a devnet only", () => {
    expect(pageCsp({ ...base, dev: true })).toMatch(/script-src [^;]*'unsafe-eval'/);
    expect(pageCsp(base)).not.toContain("http://127.0.0.1:*");
    expect(pageCsp({ ...base, devnet: true })).toMatch(/connect-src [^;]*http:\/\/127\.0\.0\.1:\*/);
    expect(pageCsp({ ...base, https: true })).toContain("upgrade-insecure-requests");
  });

  it("gives every request its own nonce", () => {
    expect(newNonce()).not.toBe(newNonce());
    expect(newNonce()).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });
});

describe("servedOverHttps()", () => {
  const plain = {
    appOrigin: undefined,
    trustProxy: false,
    forwardedProto: null,
  };

  it("believes X-Forwarded-Proto only behind a trusted proxy, and APP_ORIGIN first", () => {
    expect(servedOverHttps(plain)).toBe(false);
    expect(servedOverHttps({ ...plain, forwardedProto: "https" })).toBe(false);
    expect(servedOverHttps({ ...plain, trustProxy: true, forwardedProto: "https" })).toBe(true);
    expect(servedOverHttps({ ...plain, trustProxy: true, forwardedProto: "http" })).toBe(false);
    expect(servedOverHttps({ ...plain, appOrigin: "https://p.example" })).toBe(true);
    const declaredHttp = {
      appOrigin: "http://p.example",
      trustProxy: true,
      forwardedProto: "https",
    };
    expect(servedOverHttps(declaredHttp)).toBe(false);
  });
});

describe("the door's own refusals", () => {
  it("carry the same static security headers", () => {
    const refusal = checkAtTheDoor({ url: "/o/%zz", headers: { accept: "text/html" } });
    expect(refusal?.status).toBe(400);
    expect(refusal!.headers).toMatchObject({
      "X-Frame-Options": "DENY",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "strict-origin-when-cross-origin",
    });
    expect(refusal!.headers["Content-Security-Policy"]).toContain("frame-ancestors 'none'");
  });
});
