/** Liveness: the server answers. Readiness (database, chains) is on the home page. */
export function GET() {
  return Response.json({ ok: true });
}
