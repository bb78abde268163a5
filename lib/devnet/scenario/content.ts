import type { Rng } from "./rng";

/** The models of the story: two TEE LLMs through the gateway, one ONNX model on chain. */
export const STORY_MODELS = {
  gpt: "openai/gpt-4.1",
  claude: "anthropic/claude-haiku-4-5",
  /** An IPFS CID, as OpenGradient's hub names ONNX models. */
  onnx: "QmbUqS93oc4JTLMHwpVxsE39mhNxy6hpf6Py3r9oANr8aZ",
} as const;

const QUESTIONS = [
  ["What is the capital of France?", "Paris.", "Berlin."],
  ["Is ETH above its 30-day average?", "Yes, by about 4%.", "No, it is 40% below."],
  ["Summarise the risk of this loan in one word.", "Moderate.", "None."],
  [
    "Should the agent rebalance to 60/40?",
    "Yes, drift exceeds the 5% band.",
    "Move everything to one asset.",
  ],
  ["Translate 'good morning' to Spanish.", "Buenos días.", "Bonjour."],
  ["What is 17 × 23?", "391.", "401."],
  ["Classify this transaction as fraud or not.", "Not fraud.", "Fraud."],
  ["Which pool has the lowest fees?", "Pool B at 0.05%.", "Pool A at 3%."],
] as const;

/**
 * A prompt and its answer. A bad runtime answers wrongly: the rolled-back version's outputs
 * look plausible and are not, which is why agents acted on them.
 */
export function makeExchange(rng: Rng, bad: boolean): { prompt: string; reply: string } {
  const [question, good, wrong] = rng.pick(QUESTIONS);
  const ref = rng.int(1000, 999_999);
  // Real completions differ from one request to the next; the reference keeps outputs
  // distinct so that an output hash names one answer.
  return { prompt: `${question} (ref ${ref})`, reply: `${bad ? wrong : good} [${ref}]` };
}

/** What each kind of agent action says it did. */
export const ACTION_SUMMARIES = {
  onchain_tx: "Rebalanced the portfolio on the model's advice",
  settings_change: "Changed the strategy settings after the model's answer",
  memory_write: "Stored the model's answer in long-term memory",
} as const;
