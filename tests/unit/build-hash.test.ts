import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { hashBuildInputs } from "@/scripts/lib/build";

describe("hashBuildInputs()", () => {
  it("changes when a page changes and not otherwise, so npm start rebuilds only when needed", async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), "build-hash-"));
    await fs.mkdir(path.join(root, "app"), { recursive: true });
    await fs.writeFile(path.join(root, "app", "page.tsx"), "export default 1");
    const first = await hashBuildInputs(root);
    expect(await hashBuildInputs(root)).toBe(first);
    await fs.writeFile(path.join(root, "app", "page.tsx"), "export default 2");
    expect(await hashBuildInputs(root)).not.toBe(first);
    await fs.writeFile(path.join(root, "README.md"), "not an input");
    const second = await hashBuildInputs(root);
    await fs.writeFile(path.join(root, "README.md"), "still not an input");
    expect(await hashBuildInputs(root)).toBe(second);
    await fs.rm(root, { recursive: true, force: true });
  });
});
