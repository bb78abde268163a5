import { apiRoute } from "@/lib/api/handler";
import { getIndexerStatus } from "@/lib/db/indexer-status";

export const dynamic = "force-dynamic";

/** Each source's checkpoint, the chain's head, the lag between them and the last error. */
export const GET = apiRoute(async () => Response.json(await getIndexerStatus()));
