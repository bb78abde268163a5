import { expect } from "vitest";

type Answer = { status: number; json: Record<string, unknown> };

/**
 * The negative matrix's check, over a snapshot of what an action may write: the action
 * answers `status` (and `message`, when given) and the snapshot is unchanged afterwards.
 */
export function nothingWritten(snapshot: () => Promise<unknown>) {
  return async function expectNothingWritten(
    action: () => Promise<Answer>,
    status: number,
    message?: RegExp,
  ): Promise<Answer> {
    const before = await snapshot();
    const res = await action();
    expect(res.status, JSON.stringify(res.json)).toBe(status);
    if (message) expect(String(res.json.message)).toMatch(message);
    expect(await snapshot()).toEqual(before);
    return res;
  };
}
