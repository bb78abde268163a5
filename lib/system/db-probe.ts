import pg from "pg";

/** Whether the database answered the last probe, and why not when it did not. */
export interface DatabaseProbeState {
  up: boolean;
  /** The connection or query error of the last failed probe (may name the host: redact). */
  error: string | null;
  /** Epoch ms of the last finished probe; 0 before the first. */
  checkedAt: number;
}

export interface DatabaseProbe {
  /** The last known state (never waits). */
  current(): DatabaseProbeState;
  /** Probes now (or joins the probe in flight) and answers its state. */
  check(): Promise<DatabaseProbeState>;
  stop(): Promise<void>;
}

/**
 * `SELECT 1` over one dedicated connection, with a deadline: answers whether PostgreSQL is
 * reachable without waiting behind the request pool (a busy pool is not a dead database).
 * A refused connection fails at once; a host that swallows packets is judged after three
 * deadlines of `timeoutMs` in a row.
 */
export function createDatabaseProbe(url: string, timeoutMs = 3000): DatabaseProbe {
  const pool = new pg.Pool({
    connectionString: url,
    max: 1,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    idleTimeoutMillis: 30_000,
  });
  // A server restart closes the idle connection: the next probe opens a new one.
  pool.on("error", () => {});
  let state: DatabaseProbeState = { up: true, error: null, checkedAt: 0 };
  let slow = 0;
  let inFlight: Promise<DatabaseProbeState> | null = null;
  const probe = async (): Promise<DatabaseProbeState> => {
    try {
      await pool.query("SELECT 1");
      slow = 0;
      state = { up: true, error: null, checkedAt: Date.now() };
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)) || "no answer";
      // Note: on a busy machine a live database can miss one deadline; a refusal is certain.
      // A timeout counts only the third time in a row.
      const timedOut = /timeout/i.test(message);
      slow = timedOut ? slow + 1 : 0;
      const down = !timedOut || slow >= SLOW_PROBES_FOR_DOWN;
      state = down
        ? { up: false, error: message, checkedAt: Date.now() }
        : { ...state, checkedAt: Date.now() };
    }
    return state;
  };
  return {
    current: () => state,
    check: () => (inFlight ??= probe().finally(() => (inFlight = null))),
    stop: () => pool.end(),
  };
}

/** Timed-out probes in a row after which the database counts as unreachable. */
const SLOW_PROBES_FOR_DOWN = 3;

/** SQLSTATEs and driver messages that mean "the database is not there", not "bad query". */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 3) return false;
  const { code, message, cause, kind } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    kind?: unknown;
  };
  // Prisma's driver adapter names the kind of a connection failure on the error's cause.
  if (
    typeof kind === "string" &&
    ["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout"].includes(kind)
  )
    return true;
  if (cause && isDatabaseUnavailable(cause, depth + 1)) return true;
  if (typeof code === "string") {
    // 08: connection exception; 57P01-03: admin/crash shutdown, cannot connect now.
    if (code.startsWith("08") || /^57P0[1-3]$/.test(code)) return true;
    // Prisma's: can't reach, timed out, connection closed, no pool connection in time.
    if (["P1001", "P1002", "P1008", "P1017", "P2024"].includes(code)) return true;
    if (["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND"].includes(code))
      return true;
  }
  return (
    typeof message === "string" &&
    /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Can't reach database server|the database system is (starting up|shutting down|in recovery mode)/i.test(
      message,
    )
  );
}
