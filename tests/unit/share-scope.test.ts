import { describe, expect, it } from "vitest";
import {
  canonicalScopeId,
  isOpenPath,
  scopeCovers,
  shareTargetOf,
  strictSegments,
  type ShareScope,
} from "@/lib/auth/share-scope";

const HASH = `0x${"ab".repeat(32)}`;
const OTHER = `0x${"cd".repeat(32)}`;
const INCIDENT = "0b7c9a52-1f9e-4c1e-9f0a-2d4b6a8c0e11";
const DISPUTE = "7d2e4f60-8a1b-4c3d-9e5f-6a7b8c9d0e1f";

const output: ShareScope = { type: "output", id: HASH };
const incident: ShareScope = { type: "incident", id: INCIDENT };
const dispute: ShareScope = { type: "dispute", id: DISPUTE };

/** Whether a link of `scope` opens `path` without a database look-up. */
const opens = (scope: ShareScope, path: string) => {
  const target = shareTargetOf(path);
  return target !== null && scopeCovers(scope, target);
};

describe("shareTargetOf() and scopeCovers()", () => {
  it("an output link opens its page, preview images, API answer and bundle", () => {
    for (const path of [
      `/o/${HASH}`,
      `/o/${HASH}/opengraph-image`,
      `/o/${HASH}/twitter-image`,
      `/o/${HASH}/opengraph-image-1x2y3z`,
      `/api/v1/outputs/${HASH}`,
      `/api/v1/outputs/${HASH}/bundle`,
      // The page accepts the hash without 0x and in capitals: the same output.
      `/o/${HASH.slice(2).toUpperCase()}`,
    ]) {
      expect(opens(output, path), path).toBe(true);
    }
  });

  it("an incident link opens its page, API answer, bundle and blast radius reads", () => {
    for (const path of [
      `/incidents/${INCIDENT}`,
      `/incidents/${INCIDENT}/opengraph-image`,
      `/api/v1/incidents/${INCIDENT}`,
      `/api/v1/incidents/${INCIDENT}/bundle`,
      `/api/v1/incidents/${INCIDENT}/blast-radius`,
      `/api/v1/incidents/${INCIDENT}/blast-radius/rows`,
      `/api/v1/incidents/${INCIDENT}/blast-radius/export`,
      `/incidents/${INCIDENT.toUpperCase()}`,
    ]) {
      expect(opens(incident, path), path).toBe(true);
    }
  });

  it("a dispute link opens its page, API answer and bundle", () => {
    for (const path of [
      `/disputes/${DISPUTE}`,
      `/disputes/${DISPUTE}/twitter-image`,
      `/api/v1/disputes/${DISPUTE}`,
      `/api/v1/disputes/${DISPUTE}/bundle`,
    ]) {
      expect(opens(dispute, path), path).toBe(true);
    }
  });

  it("inference pages are targets to check against the output (a database look-up)", () => {
    expect(shareTargetOf("/inferences/og%3A10740%3A0x1%3A2%3A0")).toEqual({
      kind: "inference",
      id: "og:10740:0x1:2:0",
    });
    expect(shareTargetOf("/api/v1/inferences/inf-1")).toEqual({ kind: "inference", id: "inf-1" });
    // No look-up can make these an output's: they are not scopes.
    expect(scopeCovers(output, { kind: "inference", id: "inf-1" })).toBe(false);
    expect(shareTargetOf("/api/v1/inferences")).toBeNull();
    expect(shareTargetOf("/inferences")).toBeNull();
    expect(shareTargetOf("/inferences/inf-1/extra")).toBeNull();
  });

  it("near misses open nothing: other things, lists, prefixes, dot segments, encodings", () => {
    const misses = [
      `/o/${OTHER}`,
      `/o/${HASH}x`,
      `/o/${HASH}0`,
      `/o/${HASH}/`,
      `/o/${HASH}//`,
      `/o//${HASH}`,
      `//o/${HASH}`,
      `/o/${HASH}/../models`,
      `/o/${HASH}/..`,
      `/o/${HASH}/.`,
      `/o/./${HASH}`,
      `/o/${HASH}%2F..%2Fmodels`,
      `/o/${HASH}%2f..%2fmodels`,
      `/o/${HASH}%5C..%5Cmodels`,
      `/o/${HASH}/%2e%2e/models`,
      `/o/%30x${"ab".repeat(32)}%00`,
      `/o/${HASH}/opengraph-image/../../../models`,
      `/o/${HASH}/opengraph-imagex`,
      `/o/${HASH}/bundle`,
      `/o/${HASH}%`,
      `/O/${HASH}`,
      `/api/v1/outputs/${HASH}/inferences`,
      `/api/v1/outputs/${OTHER}`,
      `/api/v1/outputs/${OTHER}/bundle`,
      `/api/v1/outputs/${HASH}/bundle/extra`,
      `/api/v2/outputs/${HASH}`,
      `/api/v1/outputs`,
      "/models",
      "/audit",
      "/findings",
      "/search",
      "/",
      "/api/v1/models",
      "/api/v1/audit",
      "/api/v1/events",
      "/api/v1/search",
      `/api/v1/search?q=${HASH}`,
      `/incidents/${INCIDENT}`,
      `/disputes/${DISPUTE}`,
    ];
    for (const path of misses) expect(opens(output, path), path).toBe(false);
    for (const path of [
      "/incidents",
      "/incidents/new",
      `/incidents/${INCIDENT}x`,
      `/incidents/${INCIDENT}/`,
      `/api/v1/incidents/${INCIDENT}/blast-radius/rows/1`,
      `/api/v1/incidents/${INCIDENT}/statement`,
      "/api/v1/incidents",
      `/o/${HASH}`,
    ]) {
      expect(opens(incident, path), path).toBe(false);
    }
    expect(opens(dispute, `/incidents/${DISPUTE}`)).toBe(false);
    expect(opens(incident, `/disputes/${INCIDENT}`)).toBe(false);
  });

  it("encoded slashes and double encodings are refused outright", () => {
    expect(strictSegments("/inferences/a%2Fb")).toBeNull();
    expect(strictSegments("/inferences/a%252Fb")).toBeNull();
    expect(strictSegments("/inferences/%E0%A4%A")).toBeNull();
    expect(shareTargetOf("/inferences/a%2F..%2F..%2Fmodels")).toBeNull();
    expect(strictSegments("/inferences/og%3A1")).toEqual(["inferences", "og:1"]);
  });
});

describe("canonicalScopeId()", () => {
  it("makes hashes 0x-lowercase and UUIDs lowercase, and refuses anything else", () => {
    expect(canonicalScopeId("output", HASH.slice(2).toUpperCase())).toBe(HASH);
    expect(canonicalScopeId("incident", INCIDENT.toUpperCase())).toBe(INCIDENT);
    expect(canonicalScopeId("output", INCIDENT)).toBeNull();
    expect(canonicalScopeId("dispute", HASH)).toBeNull();
    expect(canonicalScopeId("incident", "../models")).toBeNull();
  });
});

describe("isOpenPath()", () => {
  it("lets assets, health, sign-in, the API description and schemas through, nothing else", () => {
    for (const path of [
      "/_next/static/chunks/main.js",
      "/favicon.ico",
      "/icon.svg",
      "/api/health",
      "/api/v1/auth/nonce",
      "/api/v1/auth/sign-in",
      "/api/v1/auth/session",
      "/api/v1/openapi.json",
      "/api/v1/schemas/evidence-bundle.json",
    ]) {
      expect(isOpenPath(path), path).toBe(true);
    }
    for (const path of [
      "/",
      "/models",
      "/api/v1/auth",
      "/api/v1/auth/nonce/../../models",
      "/api/v1/auth/%2e%2e/models",
      "/api/v1/auth/x/y",
      "/api/v1/schemas",
      "/api/v1/users",
      "/api/healthz",
      "/_next/data/build/index.json",
    ]) {
      expect(isOpenPath(path), path).toBe(false);
    }
  });
});
