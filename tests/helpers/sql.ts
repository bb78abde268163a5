import pg from "pg";

/** Runs one statement on its own connection and returns the rows. */
export async function queryOnce(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Every table of the database, each row read as text: how many rows there are, and which
 * tables hold a row matching `pattern` (a POSIX regular expression), with how many.
 */
export async function tablesMatching(
  url: string,
  pattern: string,
): Promise<{ rows: number; matching: string[] }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ name: string }>(
      "SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public'",
    );
    let rows = 0;
    const matching: string[] = [];
    for (const { name } of tables) {
      const { rows: counts } = await client.query<{ n: number; hits: number }>(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE t::text ~ $1)::int AS hits FROM ${name} t`,
        [pattern],
      );
      rows += counts[0]!.n;
      if (counts[0]!.hits) matching.push(`${name}: ${counts[0]!.hits} rows`);
    }
    return { rows, matching };
  } finally {
    await client.end();
  }
}
