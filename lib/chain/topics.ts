import type { Hex } from "viem";

/**
 * topic0 of every OpenGradient event this project indexes, copied byte for byte from
 * shared/opengradient/FACTS.md. The ABIs under `lib/chain/abis/` must hash to exactly these
 * values (tests/unit/topics.test.ts checks it), so a typo in a parameter type shows up as a
 * failing test instead of an indexer that silently matches nothing.
 *
 * Where two ABI versions share an event name, each version gets its own key: `PCRRevoked` is
 * the current registry's `(bytes32 indexed, uint8 indexed)`, `PCRRevokedV1` the older
 * `(bytes32 indexed)`; `LegacySettlement` / `LegacyBatchSettlement` are the settlement
 * relay's first events (the Solidity names are `Settlement` and `BatchSettlement`).
 */
export const FACTS_TOPICS = {
  // TEE registry
  TEETypeAdded: "0xed0161664cf318441e585cccad9fa9fc770298b648a49635dda84ac6f0adc908",
  PCRApproved: "0x98c6d69cba0181c4e436357d22ac56e02ec472c03f04df0fbf89d1bb614af2fe",
  PCRRevoked: "0xd5a6741f8bbaee4cc3ea05953ea04c6a1863ce4c66a52da653dd0a315f84c2fb",
  PCRRevokedV1: "0x021cbdaf8e2ddc626ca016468398743e833c1d67b00106b10077757586679a20",
  TEERegistered: "0x97d0af70a4d2c616e9c1093d5f57c8b31b3a7d824f1d335e5d5416402ec14931",
  TEEDisabled: "0x01c235337ed5406ee8cebb3f299d60f237a2837430f8a14fbc81f94ce50236b6",
  TEEEnabled: "0xcfe7e61b35fbf35c6b0d5c7ebe6feb619ab832dc476c4a02dbdc041fb92b5ca6",
  HeartbeatReceived: "0x3cf0bf7708060bf073b6ddb921eef0485b3eb9da828e0ed751fa6582ef337f57",

  // Settlement relay
  IndividualSettlement: "0x74e71a1981c03bd0c36f3b1227f3ee2a34dca5d6fef25c4b2787e033ab60b782",
  BatchSettlement: "0xc2aff8d8a10a4543baabf39bd9ff45e7fc3881d19098df350a3b7f339e911127",
  LegacySettlement: "0x2dec475996b83d8f0b0b5863ea37b28d71de0e635fecf1042fd2c6e41b2bdda3",
  LegacyBatchSettlement: "0xfa7c610716cb742e297d9aaa305f688a478691d7bdda909887be587592075db0",
  SettlementWithMetadata: "0x699118b9cf4c170299a3cd2b24610f4bdd66f1492695baf29c49077ef64c056c",

  // Inference hub and the inference precompile (0x…F4)
  LLMCompletionEvent: "0x51fe69d513d73ecde3fa3bf17584f7d2acfd5f0b13d367e898d6e11e742127a3",
  ModelInferenceEvent: "0x1b283af3452f3718585ce100f80d9aa81fc60924db4a582a36db6aae3b109d87",
  LLMChat: "0x4c92d3df7819fcd1c9f9663332f0a599a65eefdad2eaf9193cffb9dbf1919c3b",
  InferenceResult: "0xc1396ff68bc2d8630100df29ce5561fa99078c602e8676ab72a53e37095d7168",
  LLMCompletionResult: "0xe522a1a92cb132ca102e36a004efceb8c83284b64164e0d128ddce12e86cab7b",

  // Workflows
  TaskRegistered: "0x2f401f04107164177693d79d92457c4baa184a9b5a5265d3e6d4ab0ab6716724",
  TaskUpdated: "0x8e337393daef41df7da28202ae5795388856a55cccc6993dc6c60991de8af034",
  TaskStopped: "0x241f6a996425ccc55c93e17e9edc6e85a05deaf40ba91ab84dd4a4ccfa04070a",
  InferenceResultEmitted: "0x5a1ed425a160d1bc929890b991acc0e3d25a6f5db1ac65c07ee4c917708f76d4",

  // Payments (OPG token, x402 proxies, EIP-3009)
  Transfer: "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
  Settled: "0x97088ec3606cfe8cc112180570d03fcde05f9b8e1bfef8e27784eaf5dd5691b6",
  SettledWithPermit: "0xde5b89d10fc800c459329c382fabfcad0be0ed7e5328e01fae04e507b09ef5d8",
  AuthorizationUsed: "0x98de503528ee59b575ef0c0a2576a82497bfc029a5685b209e9ec333479b10a5",
} as const satisfies Record<string, Hex>;

/** One of the keys of {@link FACTS_TOPICS}. */
export type FactsEventKey = keyof typeof FACTS_TOPICS;

const KEY_BY_TOPIC = new Map<string, FactsEventKey>(
  Object.entries(FACTS_TOPICS).map(([key, topic]) => [topic, key as FactsEventKey]),
);

/** The FACTS event key for a log's topic0, or `undefined` when it is not one we index. */
export function factsKeyForTopic(topic0: Hex | null | undefined): FactsEventKey | undefined {
  return topic0 ? KEY_BY_TOPIC.get(topic0.toLowerCase()) : undefined;
}
