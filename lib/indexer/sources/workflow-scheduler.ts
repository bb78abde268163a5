import { WORKFLOW_SCHEDULER_ABI } from "@/lib/chain/abis";
import { FACTS_TOPICS } from "@/lib/chain/topics";
import { decodeWithAbi, toJson } from "../decode";
import { logRef, lower, type SourceModule } from "./types";

/** The workflow scheduler: task registrations, updates, stops, and emitted results. */
export const workflowSchedulerSource: SourceModule = {
  kind: "workflow_scheduler",
  topics: new Set([
    FACTS_TOPICS.TaskRegistered,
    FACTS_TOPICS.TaskUpdated,
    FACTS_TOPICS.TaskStopped,
    FACTS_TOPICS.InferenceResultEmitted,
  ]),
  collect(ctx, logs, out) {
    for (const log of logs) {
      const { eventName, args } = decodeWithAbi(WORKFLOW_SCHEDULER_ABI, log);
      const endTime = args.endTime ?? args.newEndTime;
      const frequency = args.frequency ?? args.newFrequency;
      const user = args.user ?? args.caller;
      out.workflowEvents.push({
        ...logRef(ctx, log),
        eventName,
        user: user ? lower(user) : null,
        contractAddress: args.contractAddress ? lower(args.contractAddress) : null,
        endTime: endTime === undefined ? null : String(endTime),
        frequency: frequency === undefined ? null : String(frequency),
        data: toJson(args) as Record<string, unknown>,
      });
    }
  },
};
