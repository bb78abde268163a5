import { z } from "zod";
import {
  agentActionBatchResultSchema,
  agentActionBatchSchema,
  agentActionBodySchema,
  agentActionResultSchema,
} from "@/lib/api/schemas/agent-actions";
import {
  MAX_RECEIPTS_PER_REQUEST,
  receiptSchema,
  receiptsBodySchema,
  receiptsResultSchema,
} from "@/lib/api/schemas/receipts";
import { findingListQuerySchema, findingListSchema } from "@/lib/api/schemas/findings";
import {
  inferenceDetailSchema,
  inferenceListQuerySchema,
  inferencePageSchema,
  outputSchema,
} from "@/lib/api/schemas/inferences";
import { modelListSchema } from "@/lib/api/schemas/models";
import { searchQuerySchema, searchResultSchema } from "@/lib/api/schemas/search";
import { indexerStatusSchema } from "@/lib/api/schemas/status";
import { timelineQuerySchema, timelineSchema } from "@/lib/api/schemas/timeline";
import { AGENT_ACTION_TYPES } from "@/lib/evidence/agent-action";
import { setRoleBodySchema, signInBodySchema } from "@/lib/api/schemas/auth";
import {
  addAgentBodySchema,
  agentListSchema,
  changeAgentBodySchema,
} from "@/lib/api/schemas/agents";
import { BLAST_PARTS } from "@/lib/api/schemas/blast";
import { incidentDraftSchema, signedIncidentBodySchema } from "@/lib/api/schemas/incidents";
import { INCIDENT_STATEMENT_TYPES } from "@/lib/evidence/incident-statement";
import { evidenceBundleSchema } from "@/lib/evidence/bundle";
import {
  DISPUTE_TRANSITIONS,
  disputeCommentBodySchema,
  disputeDetailSchema,
  disputeIncidentBodySchema,
  disputeListQuerySchema,
  disputePageSchema,
  disputeStatusBodySchema,
  openDisputeBodySchema,
} from "@/lib/api/schemas/disputes";
import {
  createdShareLinkSchema,
  createShareLinkBodySchema,
  shareLinkListSchema,
} from "@/lib/api/schemas/share-links";

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: "input", unrepresentable: "any" });

const errorSchema = z.object({
  error: z.string().meta({ description: "Machine-readable code, e.g. validation_failed" }),
  message: z.string().meta({ description: "What went wrong and what to do, for a person" }),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

/** A required JSON request body that is one of the named component schemas. */
const oneOf = (...names: string[]) => ({
  required: true,
  content: {
    "application/json": {
      schema: { oneOf: names.map((n) => ({ $ref: `#/components/schemas/${n}` })) },
    },
  },
});
const json = (ref: string) => ({ "application/json": { schema: { $ref: ref } } });
const error = (description: string) => ({
  description,
  content: json("#/components/schemas/Error"),
});
const ingestErrors = {
  "500": error("Something failed on our side; nothing was written. The answer carries an errorId."),
  "400": error("The body is empty or not valid JSON."),
  "413": error("The body is too large."),
  "415": error("The body is not sent as application/json."),
  "422": error("A field is malformed; `message` names the item and field."),
  "429": {
    ...error("Too many requests from this address."),
    headers: { "Retry-After": { schema: { type: "integer" } } },
  },
};

/** A query object's fields as OpenAPI query parameters. */
function queryParameters(object: z.ZodObject) {
  return Object.entries(object.shape).map(([name, field]) => ({
    name,
    in: "query",
    required: false,
    description:
      (z.globalRegistry.get(field as z.ZodType)?.description as string | undefined) ?? undefined,
    schema: schema(field as z.ZodType),
  }));
}
const pathParameter = (name: string, description: string) => ({
  name,
  in: "path",
  required: true,
  description,
  schema: { type: "string" },
});
const readErrors = {
  "422": error("A parameter is malformed; `message` names it."),
  "500": error("Something failed on our side. The answer carries an errorId."),
};
/** A GET that answers one of the component schemas. */
const read = (summary: string, ref: string, extra: Record<string, unknown> = {}) => ({
  get: {
    summary,
    responses: {
      "200": { description: "OK", content: json(`#/components/schemas/${ref}`) },
      ...readErrors,
    },
    ...extra,
  },
});

const writeErrors = {
  "400": error("The body is empty or not valid JSON."),
  "401": error("Not signed in, the session expired, or a signature is not the signer's."),
  "403": error("Cross-site request, or the signed-in role is too low."),
  "413": error("The body is too large."),
  "415": error("The body is not sent as application/json."),
  "422": error("A field is malformed; `message` names it."),
  "500": error("Something failed on our side; nothing was written."),
};
/**
 * A state-changing route: same-origin (Origin header) and, unless `role` is null, a session
 * cookie with at least that role. Every one writes nothing when it fails.
 */
const write = (
  summary: string,
  role: string | null,
  body: string | null,
  extra: Record<string, unknown> = {},
  method: "post" | "put" | "patch" = "post",
) => ({
  [method]: {
    summary,
    description: `${role ? `Needs the ${role} role (session cookie from sign-in). ` : ""}Refused from another origin.`,
    ...(body
      ? { requestBody: { required: true, content: json(`#/components/schemas/${body}`) } }
      : {}),
    responses: {
      "200": { description: "Done." },
      "201": { description: "Recorded." },
      ...writeErrors,
    },
    ...extra,
  },
});
const incidentId = pathParameter("id", "The incident id (a UUID)");
const disputeId = pathParameter("id", "The dispute id (a UUID)");
const disputeMoves = Object.entries(DISPUTE_TRANSITIONS)
  .map(([from, to]) => `${from} → ${to.join(" | ")}`)
  .join("; ");
/** A dispute write's answers: the write's own plus 404 (unknown dispute) and 409. */
const disputeWrite = (
  summary: string,
  role: string,
  body: string,
  conflict: string | null,
  method: "post" | "put" = "post",
) => {
  const op = write(summary, role, body, { parameters: [disputeId] }, method)[method]!;
  return {
    [method]: {
      ...op,
      responses: {
        ...op.responses,
        "200": { description: "Done.", content: json("#/components/schemas/DisputeAnswer") },
        "201": { description: "Recorded.", content: json("#/components/schemas/DisputeAnswer") },
        "404": error("There is no such dispute."),
        ...(conflict ? { "409": error(conflict) } : {}),
      },
    },
  };
};

/** The OpenAPI 3.1 description of /api/v1, built from the same zod schemas the routes use. */
export function buildOpenApiDocument() {
  return {
    openapi: "3.1.0",
    info: {
      title: "Provenance API",
      version: "1",
      description:
        "Evidence in (signed TEE receipts, signed agent actions) and provenance out. Posting evidence needs no credential: receipts are signed by enclaves and actions by agents; endpoints are rate limited per address. On a private deployment (PUBLIC_READ=false) every read needs a session cookie, or a share link's token (?share= or the X-Share-Token header) for the one output, dispute or incident it opens.",
    },
    paths: {
      "/api/v1/status": {
        get: {
          summary:
            "Indexer progress: each source's checkpoint, its chain's head, the lag and the last error; and the linker's health: its last successful pass, its last error (a step or a whole pass that failed) and the receipts it set aside as unprocessable",
          responses: {
            "200": {
              description: "The status.",
              content: json("#/components/schemas/IndexerStatus"),
            },
            "500": error("The database could not be read."),
          },
        },
      },
      "/api/v1/models": read(
        "Every model with its versions (live now or not), requests in the last 24 h and open findings",
        "ModelList",
      ),
      "/api/v1/models/{model}/timeline": read(
        "A model's timeline: requests per version and OPG per bucket, deployment lanes, rollback windows, findings; as of a time",
        "Timeline",
        {
          parameters: [
            pathParameter("model", "The model name, URL-encoded (llm%3Aopenai%2Fgpt-4.1)"),
            ...queryParameters(timelineQuerySchema),
          ],
          responses: {
            "200": { description: "OK", content: json("#/components/schemas/Timeline") },
            "404": error("There is no such model."),
            ...readErrors,
          },
        },
      ),
      "/api/v1/inferences": read(
        "Inferences newest first, filtered, paged by cursor",
        "InferencePage",
        {
          parameters: queryParameters(inferenceListQuerySchema),
        },
      ),
      "/api/v1/inferences/{id}": read("One inference's provenance card", "InferenceDetail", {
        parameters: [pathParameter("id", "The inference id (inf_… or hub_…)")],
        responses: {
          "200": { description: "OK", content: json("#/components/schemas/InferenceDetail") },
          "404": error("There is no such inference."),
          ...readErrors,
        },
      }),
      "/api/v1/outputs/{hash}": read("Every inference that produced this output hash", "Output", {
        parameters: [pathParameter("hash", "The 32-byte output hash, 0x optional")],
        responses: {
          "200": { description: "OK", content: json("#/components/schemas/Output") },
          "404": error("No indexed inference produced this output."),
          ...readErrors,
        },
      }),
      "/api/v1/findings": read(
        "Findings grouped by kind, filtered, paged by cursor",
        "FindingList",
        {
          parameters: queryParameters(findingListQuerySchema),
        },
      ),
      "/api/v1/search": read("Exact look-up of a hash, address, id or model name", "SearchResult", {
        parameters: queryParameters(searchQuerySchema),
      }),
      "/api/v1/events": {
        get: {
          summary:
            "Server-sent events: one `indexer` event per indexer commit, reorg or linker pass (JSON data: kind, chainId, block)",
          responses: {
            "200": { description: "An event stream.", content: { "text/event-stream": {} } },
          },
        },
      },
      "/api/v1/receipts": {
        post: {
          summary: "Store TEE-signed receipts, raw and idempotently",
          description: `One receipt, or { "receipts": [...] } with 1 to ${MAX_RECEIPTS_PER_REQUEST}; body up to 5 MB. Nothing is written if any item is malformed. The same receipt twice is one row. A receipt may pass on the gateway's per-request amount (\`opengradient.cost_opg\` of the response, or the \`x402_payment_response\` header): its session's payment is then split by amount, not in equal shares.`,
          requestBody: oneOf("Receipt", "ReceiptBatch"),
          responses: {
            "201": {
              description: "At least one receipt was new.",
              content: json("#/components/schemas/ReceiptsResult"),
            },
            "200": {
              description: "Every receipt was already stored.",
              content: json("#/components/schemas/ReceiptsResult"),
            },
            ...ingestErrors,
          },
        },
      },
      "/api/v1/auth/nonce": write("A single-use sign-in nonce (expires in 5 minutes)", null, null),
      "/api/v1/auth/sign-in": write(
        "Sign in with Ethereum (EIP-4361): the message (domain, URI, chain and nonce checked) and its signature; sets the session cookie",
        null,
        "SignIn",
      ),
      "/api/v1/auth/sign-out": write("End this session", "viewer", null),
      "/api/v1/auth/session": {
        get: {
          summary: "Who this browser is signed in as ({ user: null } when nobody)",
          responses: { "200": { description: "OK" } },
        },
      },
      "/api/v1/users": {
        get: {
          summary: "Everyone who signed in, with roles (admins only)",
          responses: {
            "200": { description: "OK" },
            "401": error("Not signed in."),
            "403": error("Not an admin."),
          },
        },
      },
      "/api/v1/users/{address}/role": write(
        "Set a user's role (audited)",
        "admin",
        "SetRole",
        { parameters: [pathParameter("address", "The user's address")] },
        "put",
      ),
      "/api/v1/agents": {
        ...read(
          "The agent registry: known agents (from the sources config or added by an admin) and retired ones, with labels. Actions of any other address count as unknown agents'",
          "AgentList",
        ),
        ...write(
          "Add a known agent with a label (audited); 409 when it is already listed",
          "admin",
          "AddAgent",
        ),
      },
      "/api/v1/agents/{address}": write(
        "Relabel, retire (unknown again) or reinstate a known agent (audited); 404 when it is not listed, 409 when already in that state",
        "admin",
        "ChangeAgent",
        { parameters: [pathParameter("address", "The agent's address")] },
        "patch",
      ),
      "/api/v1/incidents": {
        get: {
          summary: "Incidents, newest first, superseded ones included",
          parameters: [
            {
              name: "status",
              in: "query",
              required: false,
              schema: { enum: ["proposed", "confirmed"] },
            },
            { name: "model", in: "query", required: false, schema: { type: "string" } },
          ],
          responses: { "200": { description: "OK" }, ...readErrors },
        },
        ...write(
          "Record a signed incident statement (prepared by /incidents/statement): verified, stored with its audit event, findings and first blast radius in one transaction; 409 for a replayed statement or an already superseded incident",
          "operator",
          "SignedIncident",
        ),
      },
      "/api/v1/incidents/statement": write(
        `Check a draft and answer the EIP-712 statement to sign: domain { name: "Provenance incidents", version: "1", chainId }, primary type IncidentStatement with fields ${INCIDENT_STATEMENT_TYPES.IncidentStatement.map((f) => `${f.type} ${f.name}`).join(", ")}. Stores nothing.`,
        "operator",
        "IncidentDraft",
      ),
      "/api/v1/incidents/{id}": read(
        "An incident: statement re-verified, findings, stored blast radii",
        "Object",
        {
          parameters: [incidentId],
        },
      ),
      "/api/v1/incidents/{id}/blast-radius": {
        ...read(
          "Every stored computation of the blast radius and how the newest differs from the one before",
          "Object",
          { parameters: [incidentId] },
        ),
        ...write(
          "Recompute from the evidence as known now, stored as a new computation",
          "auditor",
          null,
          {
            parameters: [incidentId],
          },
        ),
      },
      "/api/v1/incidents/{id}/blast-radius/rows": read(
        "One part of a stored blast radius, paged by position",
        "Object",
        {
          parameters: [
            incidentId,
            {
              name: "part",
              in: "query",
              required: true,
              description:
                "actions: known agents' actions (the headline); unknownActions: actions of agents not in the agent registry, kept apart",
              schema: { enum: [...BLAST_PARTS] },
            },
            { name: "computation", in: "query", required: false, schema: { type: "string" } },
            { name: "after", in: "query", required: false, schema: { type: "integer" } },
            {
              name: "limit",
              in: "query",
              required: false,
              schema: { type: "integer", maximum: 500 },
            },
          ],
        },
      ),
      "/api/v1/incidents/{id}/blast-radius/export": read(
        "A stored blast radius as a JSON or CSV download. Known agents' actions (`actions`) and unknown agents' (`unknownActions`) are separate: in JSON two arrays and separate counts, in CSV an `agentTrust` column (known | unknown)",
        "Object",
        {
          parameters: [
            incidentId,
            { name: "format", in: "query", required: false, schema: { enum: ["json", "csv"] } },
          ],
        },
      ),
      "/api/v1/outputs/{hash}/bundle": read(
        "The output's evidence bundle: a JSON download anyone can check with `npx provenance-verify`",
        "EvidenceBundle",
        { parameters: [pathParameter("hash", "The output hash (32 bytes of hex)")] },
      ),
      "/api/v1/incidents/{id}/bundle": read(
        "A signed incident's evidence bundle (its statement, blast radius, first affected outputs, audit entries)",
        "EvidenceBundle",
        { parameters: [incidentId] },
      ),
      "/api/v1/disputes/{id}/bundle": read(
        "A dispute's evidence bundle (its thread, its output's evidence, linked incidents, audit entries)",
        "EvidenceBundle",
        { parameters: [pathParameter("id", "The dispute id (a UUID)")] },
      ),
      "/api/v1/schemas/evidence-bundle.json": {
        get: {
          summary: "The evidence bundle's JSON Schema (draft 2020-12)",
          responses: { "200": { description: "OK", content: { "application/schema+json": {} } } },
        },
      },
      "/api/v1/disputes": {
        ...read(
          "Disputes, newest activity first, filtered, paged by cursor, with counts per status",
          "DisputePage",
          { parameters: queryParameters(disputeListQuerySchema) },
        ),
        post: {
          ...write(
            "Open a dispute on an indexed output with a reason (markdown; audited as dispute.open)",
            "auditor",
            "OpenDispute",
          ).post,
          responses: {
            ...writeErrors,
            "201": { description: "Opened.", content: json("#/components/schemas/DisputeAnswer") },
            "404": error("No indexed inference produced this output."),
          },
        },
      },
      "/api/v1/disputes/{id}": read(
        "A dispute: its thread (comments, status changes, incident links), the output's inferences, the linked incident and the moves allowed now",
        "DisputeDetail",
        {
          parameters: [disputeId],
          responses: {
            "200": { description: "OK", content: json("#/components/schemas/DisputeDetail") },
            "404": error("There is no such dispute."),
            ...readErrors,
          },
        },
      ),
      "/api/v1/disputes/{id}/comments": disputeWrite(
        "Add a comment (markdown, @0x… mentions) to the thread (audited as dispute.comment)",
        "auditor",
        "DisputeComment",
        null,
      ),
      "/api/v1/disputes/{id}/status": disputeWrite(
        `Move the dispute with a note (audited as dispute.status). Allowed moves: ${disputeMoves}`,
        "operator",
        "DisputeStatusChange",
        "The move is not allowed from the current status; `message` names the allowed ones.",
      ),
      "/api/v1/disputes/{id}/incident": disputeWrite(
        "Link the dispute to an incident, or unlink it with incidentId null, with a note (audited as dispute.link_incident)",
        "operator",
        "DisputeIncidentLink",
        "Already linked to that incident, or nothing to unlink.",
        "put",
      ),
      "/api/v1/share-links": {
        get: {
          summary:
            "The share links to one output, dispute or incident, with their state (active, expired, revoked); never their tokens (auditors and up)",
          parameters: [
            {
              name: "scopeType",
              in: "query",
              required: true,
              schema: { enum: ["output", "dispute", "incident"] },
            },
            { name: "scopeId", in: "query", required: true, schema: { type: "string" } },
          ],
          responses: {
            "200": { description: "OK", content: json("#/components/schemas/ShareLinkList") },
            "401": error("Not signed in."),
            "403": error("Not an auditor."),
            ...readErrors,
          },
        },
        ...write(
          "Create a read-only link to one output, dispute or incident, expiring in 1 to 2160 hours; the answer holds the token and its URL, shown only this once (audited)",
          "auditor",
          "CreateShareLink",
          {
            responses: {
              "201": {
                description: "Created.",
                content: json("#/components/schemas/CreatedShareLink"),
              },
              "404": error("The output is not indexed, or there is no such dispute or incident."),
              ...writeErrors,
            },
          },
        ),
      },
      "/api/v1/share-links/{id}/revoke": write(
        "Revoke a share link: its token is refused from the next request on (audited)",
        "auditor",
        null,
        {
          parameters: [pathParameter("id", "The share link id (a UUID)")],
          responses: {
            "200": { description: "Revoked." },
            "404": error("There is no such share link."),
            "409": error("The link was already revoked."),
            ...writeErrors,
          },
        },
      ),
      "/api/v1/audit": read("The hash-chained audit log, newest first", "Object", {
        parameters: [
          { name: "before", in: "query", required: false, schema: { type: "string" } },
          { name: "actor", in: "query", required: false, schema: { type: "string" } },
          { name: "action", in: "query", required: false, schema: { type: "string" } },
          {
            name: "limit",
            in: "query",
            required: false,
            schema: { type: "integer", maximum: 500 },
          },
        ],
      }),
      "/api/v1/audit/verify": read(
        "Recompute the audit chain and check every signed checkpoint; reports the first broken link",
        "Object",
      ),
      "/api/v1/agent-actions": {
        post: {
          summary: "Store an agent's EIP-712-signed statement that it acted on outputs",
          description: `Domain { name: "Provenance", version: "1", chainId }, primary type AgentAction with fields ${AGENT_ACTION_TYPES.AgentAction.map((f) => `${f.type} ${f.name}`).join(", ")}. Earlier actions are cited by their EIP-712 digest. Idempotent by that digest. Or { "actions": [...] } with up to 500 statements, stored in order (later ones may cite earlier ones), all or nothing; the answer is then an AgentActionBatchResult.`,
          requestBody: oneOf("AgentActionPost", "AgentActionBatch"),
          responses: {
            "201": {
              description: "Stored.",
              content: json("#/components/schemas/AgentActionResult"),
            },
            "200": {
              description: "Already stored.",
              content: json("#/components/schemas/AgentActionResult"),
            },
            "401": error(
              "Unsigned, or the signature is not the agent's. Signatures are checked in order and the first bad one is named (`actions[i]`); later ones are not checked.",
            ),
            ...ingestErrors,
            "429": {
              ...error(
                "Too many requests from this address, or its budget of signature checks per minute (VERIFY_BUDGET_PER_MINUTE; one per statement) would be exceeded. Nothing was checked or stored.",
              ),
              headers: { "Retry-After": { schema: { type: "integer" } } },
            },
            "503": {
              ...error("The signature verifier is busy (its queue is full); nothing was stored."),
              headers: { "Retry-After": { schema: { type: "integer" } } },
            },
          },
        },
      },
    },
    components: {
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: "provenance_session" },
        shareToken: { type: "apiKey", in: "header", name: "X-Share-Token" },
      },
      schemas: {
        Object: {
          type: "object",
          description: "See the route's summary; documented in the README.",
        },
        SignIn: schema(signInBodySchema),
        SetRole: schema(setRoleBodySchema),
        AddAgent: schema(addAgentBodySchema),
        ChangeAgent: schema(changeAgentBodySchema),
        AgentList: schema(agentListSchema),
        CreateShareLink: schema(createShareLinkBodySchema),
        CreatedShareLink: schema(createdShareLinkSchema),
        ShareLinkList: schema(shareLinkListSchema),
        IncidentDraft: schema(incidentDraftSchema),
        SignedIncident: schema(signedIncidentBodySchema),
        Receipt: schema(receiptSchema),
        ReceiptBatch: schema(receiptsBodySchema),
        ReceiptsResult: schema(receiptsResultSchema),
        AgentActionPost: schema(agentActionBodySchema),
        AgentActionResult: schema(agentActionResultSchema),
        AgentActionBatch: schema(agentActionBatchSchema),
        AgentActionBatchResult: schema(agentActionBatchResultSchema),
        IndexerStatus: schema(indexerStatusSchema),
        ModelList: schema(modelListSchema),
        Timeline: schema(timelineSchema),
        InferencePage: schema(inferencePageSchema),
        InferenceDetail: schema(inferenceDetailSchema),
        Output: schema(outputSchema),
        FindingList: schema(findingListSchema),
        SearchResult: schema(searchResultSchema),
        EvidenceBundle: schema(evidenceBundleSchema),
        OpenDispute: schema(openDisputeBodySchema),
        DisputeComment: schema(disputeCommentBodySchema),
        DisputeStatusChange: schema(disputeStatusBodySchema),
        DisputeIncidentLink: schema(disputeIncidentBodySchema),
        DisputePage: schema(disputePageSchema),
        DisputeDetail: schema(disputeDetailSchema),
        DisputeAnswer: schema(z.object({ dispute: disputeDetailSchema })),
        Error: schema(errorSchema),
      },
    },
  };
}
