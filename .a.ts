import { startAnvil } from "@/lib/devnet/anvil";
const a = await startAnvil({ chainId: 10740, stateFile: "/tmp/anv-test/state.json" });
console.log(a.rpcUrl);
const r = await fetch(a.rpcUrl, { method: "POST", headers: {"content-type":"application/json"}, body: JSON.stringify({jsonrpc:"2.0",id:1,method:"anvil_mine",params:["0x5"]})});
console.log(await r.text());
await a.stop();
const fs = await import("node:fs");
console.log(fs.statSync("/tmp/anv-test/state.json").size);
const b = await startAnvil({ chainId: 10740, stateFile: "/tmp/anv-test/state.json" });
const r2 = await fetch(b.rpcUrl, { method: "POST", headers: {"content-type":"application/json"}, body: JSON.stringify({jsonrpc:"2.0",id:1,method:"eth_blockNumber",params:[]})});
console.log(await r2.text());
await b.stop();
try { await startAnvil({ chainId: 1, port: Number(new URL(b.rpcUrl).port), stateFile: "/tmp/anv-test/bad/../state.json", startTimeoutMs: 3000 }); } catch (e) { console.log("ERR", (e as Error).message); }
