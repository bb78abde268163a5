import type { Hex } from "viem";
import type { RawLog } from "@/lib/chain/get-logs";
import { FACTS_TOPICS } from "@/lib/chain/topics";
import { decodeTransfer } from "../decode";
import { logRef, type SourceModule } from "./types";

/**
 * x402 payments in OPG: a token `Transfer` (to a configured payee, when payees are configured)
 * in a transaction that also carries a configured proxy's `Settled()`/`SettledWithPermit()`,
 * or the token's own EIP-3009 `AuthorizationUsed`. Transfers without either are ordinary
 * token moves, not payments, and are skipped.
 */
export const opgTokenSource: SourceModule = {
  kind: "opg_token",
  topics: new Set([FACTS_TOPICS.Transfer, FACTS_TOPICS.AuthorizationUsed]),
  joins: ["x402_proxy"],
  collect(ctx, logs, out) {
    const proxies = new Set(
      ctx.chainSources.filter((s) => s.kind === "x402_proxy").map((s) => s.address),
    );
    const payees = ctx.source.payees ? new Set(ctx.source.payees) : undefined;
    const settleByTx = new Map<Hex, RawLog>();
    for (const l of ctx.chainLogs) {
      const proxySettle =
        proxies.has(l.address) &&
        (l.topics[0] === FACTS_TOPICS.Settled || l.topics[0] === FACTS_TOPICS.SettledWithPermit);
      const authorization =
        l.address === ctx.source.address && l.topics[0] === FACTS_TOPICS.AuthorizationUsed;
      if ((proxySettle || authorization) && !settleByTx.has(l.transactionHash)) {
        settleByTx.set(l.transactionHash, l);
      }
    }
    for (const log of logs) {
      if (log.topics[0] !== FACTS_TOPICS.Transfer) continue;
      const settle = settleByTx.get(log.transactionHash);
      if (!settle) continue;
      const t = decodeTransfer(log);
      if (payees && !payees.has(t.to)) continue;
      const authorization = settle.topics[0] === FACTS_TOPICS.AuthorizationUsed;
      out.payments.push({
        ...logRef(ctx, log),
        token: ctx.source.address,
        fromAddress: t.from,
        toAddress: t.to,
        value: t.value.toString(),
        settleEvent: authorization
          ? "AuthorizationUsed"
          : settle.topics[0] === FACTS_TOPICS.Settled
            ? "Settled"
            : "SettledWithPermit",
        authorizer: authorization ? (`0x${settle.topics[1]!.slice(26)}` as Hex) : null,
        nonce: authorization ? settle.topics[2]! : null,
        occurredAt: new Date(ctx.timestampOf(log) * 1000),
      });
    }
  },
};

/** The x402 proxies: their events carry no data and are joined by the token source. */
export const x402ProxySource: SourceModule = {
  kind: "x402_proxy",
  topics: new Set([FACTS_TOPICS.Settled, FACTS_TOPICS.SettledWithPermit]),
  collect() {},
};
