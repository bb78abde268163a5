import { apiRoute } from "@/lib/api/handler";
import { listModels } from "@/lib/db/models";

export const dynamic = "force-dynamic";

/** GET /api/v1/models: every model, its versions (live now or not), 24 h traffic, open findings. */
export const GET = apiRoute(async () => Response.json(await listModels()));
