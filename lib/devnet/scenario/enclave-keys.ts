import { createPublicKey } from "node:crypto";
import type { Hex } from "viem";
import { teeIdFromPublicKey } from "@/lib/evidence/tee-hash";

/** One simulated enclave: its RSA-2048 signing key, the key the registry records, its id. */
export interface DevnetEnclaveKey {
  /** Short name used in scenario logs and fixtures. */
  readonly label: string;
  /** PKCS#8 PEM, as the gateway's `TEEKeyManager` would hold it in memory. */
  readonly privateKeyPem: string;
  /** DER SubjectPublicKeyInfo, lowercase 0x-hex: what `registerTEE` stores as `publicKey`. */
  readonly publicKeyDer: Hex;
  /** keccak256(publicKeyDer), derived here, never typed in. */
  readonly teeId: Hex;
}

// Note: these are PUBLIC devnet keys, committed on purpose like anvil's test mnemonic, so a
// scenario is reproducible byte for byte (same tee_ids, same deterministic signatures).
// Anyone can sign as these enclaves: never register them on a real chain.
// Generated once with `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`.

const ENCLAVE_A_PEM = `-----BEGIN PRIVATE KEY-----
MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQC1Zt8W0opqkDzI
030uvIcIJ0txBTvIbh1RaAtz3hpTEZ+KtFaLqjp8vukjdLKNA4p/3/Q4ZVlTWosO
Fbx48btc6nF0I0XPWr+NOr0gMQ6aKOr05QpmIYp3G0l4SVlpz66J23pP6LO2SEYz
1vXD/LziDBwmUOEfgYHKtAruonBt+AJyOMAKoEHZtN78ANl1qxg1y2DGa4jbvs0D
5v3CM4RQJS+wkbmPCzsF0IeZLxV72riVx4tYtoFWRB5RHR7Mk+YqLDl+KXeIYmB0
KxU3zVTlNfSxxg8i/E9TYLmW78XrlHZoslJob5QNr2dtNpSxpNcHQwyHCp2h6FVv
wI3nOCb1AgMBAAECggEAGULFS7oPbOX/lO7Ahq7ZtfS04Hz8VX2iBwlQWPcDnvA8
EZZp2+KdaOwz7oxMZe8pjQOckHLqlL0t0o0L1SLCdt6t5GCaEtU+CfZ1SkOSlzyd
9XLktxKyI8JwwXejZCT31voxhumuhvJ7FjJ3wG5URj0t+Vb3don0D0xxnkgQFHwB
rh6RVFEKYfw7JKSAD4xIl9uotL/0jlDsKoddgiH4rSK6MsLcm2o9I1IB02EbFfuy
eRL6ezPHHbOHRX6JlJN/14Lfqy2ysA0Rp91w2VHtX1NWHTZjBctgc6Zumal+x318
vhNs3LUVfdHVdYzxfAQCoTFI7uUOuE6mLLs+jELcUQKBgQDz9oTb0ZT/lNviA55V
DMIrXZgdxPNHnjjN3DKpvF7cg03DcXilGCChcb0RmFuWzNJQ/8U8xJ3oZDJ8yr+a
WJ4wVZ5oggLnpO2UvXKuSQyAftufUxR/8cWfX5zC9R7gRaYJl/MVsNXlbe4MWqNB
hoEWbTDWgSyYpt+MvhM/IwlZUQKBgQC+WiWVXF7sGH7w5dpohpstkXEQLhLAO7/z
Uadahg1aD5r/rPNpRNCRMITlGF6teit9l2KG9LJAathfakcTFPS84LcL089iKlyh
jhX3kCL7SQ4HkbffCMDBE5l8u+osMJDRzA0Az4d/4Tz2ImuFBCYjvgOJbzSzYI3r
2i2FT67KZQKBgGQKAK0LIigz6H6jsTd7Bdw2gvwiGQiTLwPrebL0lYmjJi4wx6Ib
ZLYPJ9KhQV1zHAMu/rhOf9odzD4z/aHTGPsFAPIl7f8DOJE3pmElf0TpwDFzJgLZ
J4qU8HlZfpHEvbNNZdbNLsjn7SePu0ZRW3nQyKgNTDZEp4LVJptLSLghAoGALEU2
/HfRM8O2sjwjAbBcospyqzqr7b13tRVGgM0wicObXt9QdSkmAL5yCf4S9vG0766n
oY+DbWvsCrTi9tMm4E67A6stTj1f8crj3QHOwPaKpsQDKYIVolH2noXtvn1FESYN
2CRr9RfjX7M9omAGpsVoeSw964IHP9UsRRb1JekCgYARFBZYqzPrG/gWBa74Wusi
xpwOqhAniOuGSjHjE+yYPiA1ZHKUEcWZ+H5WO83wQ+n6gvRfxMbpefSy0h5HFbLW
573dlD3bZZIPvCrkI34fpVkMWk3P3cyTkZSkPvU5ijxXjwXNjNKRetJcqrov6pCK
wSmI3NMUda3jSa4LF6m28w==
-----END PRIVATE KEY-----
`;

const ENCLAVE_B_PEM = `-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDjOBPvxXcFL9ht
828XgV8bA7GjoMWcUguK2Tkfd85/wZBasycNYg0jYuU2e9Rl1Y+zQb/lvJ5m77t0
p+U6RdsPqppeetyUA5frBvQCOHAsWPueyB06ZXvR6J+/m1QCvro0VuwpcXhbn2Mc
9Qq2CZjLNttxiLll0B7qG0EqJozk53jQsKFSnuerBHGo7AjQVDuVnjFYQvsdNowB
+yY99KBGK2YeetVYP4GlQzSJCWZcggDDdcKAlHwved6DfgpYM17pPQQZVjptbZMJ
L87CpCfPDRY0+BSLBzaUFinSpN7wxzU7fWftq1jXOCnv2z8J/auBRVHj4OSHETsc
U3cpsT/vAgMBAAECggEAGKWrm/W6jGh9PKgMY+tXqrGC4nH9HZDUybH4fU5cqwUP
KJeIY+4/6JfAr2FNT+KTnOlD7KLCN/5HQkc4GVMciR2Dcz42kSO2pfryGw+OM3FP
khC5Au2hOcrXEUzDFy0jO6w2H+S8HowyjyCRkd+GoHyJ303qdn3V7KUaM31NCUNS
QB+2qF+OcDrq//kGps+Z59tY/VibL65tX2gPjveqWaw1iBYpF55SVyei56AmwwOM
4WF60vIljwOIZtbjuuhrGvooIODJQ5rCI9qNTKjVZXEtCH13JcA/eXVo2vYwqrHB
3nIb+J5VRMf6nkMbT9EohYsHEUZCcL8fh3da4GwYoQKBgQD5cE/aPoxrrZfTbw/6
rMaHIkKtsfdbT798IENfO0SFAR1XfVFBsLkeKvkX3PnJ/aLeFHmMN1qq6nhiCh9P
vjhdxAzVDHOLKDNG7Gl2ME332XKQZA8DQEnFKxP0H+PEwvWOnmeZdvGTdjHuNpV3
I0ybo4kVx9+82bE5KLns0vF23wKBgQDpMiRAZTJTFugyz2ADDa+Z5O0TMwD0dBCA
a82jG1jgj2WXftr1gN7eSwIf3h0jC2xx+0dlHuDaVqXS9VgniobMKMekFXWH9/vm
ZWtgoWJkmNsAMUHPmcTs1FMdTj8wZtg4cxj13oiVn+0VXRhZyH9tUxxA2hfaHCjd
hgX+A2Ko8QKBgBFYIuVNBhySpIT6KwVGMEPDORm0zztVLz5lS+n6SAhrjGvB9f14
WVbkrA9huSi3bzS7/bunObG6vgYrKAQ2eNrkP/QsenhJok8jLy4dq745K4MowfZ6
6OZB2ZBXC1JqMALrts5v+9pCFLS4rOns1W3ZEDYogMEz7ePIli0Gee3HAoGBAMqw
7pmaXDekfYdMgOOmja9yMC6z8myIRZ+aFE9lgccOXPtlI+Socw88m0gfw6umTkh0
ZQYb5M1i6xeGcW1NFwV1nLGehV39ylHkbYS8Qc22nwR3zAAqY+SGWQfr7zie6+mF
AXkUSBvluikLlhLUFw5rYu9robfPKiYCTEsRnjvBAoGAGpBdP8tTve6UbJA8Bf6r
aVG+qijLrE8CsKQwq7Ygh5jlnnwC3RiMo5jCWxvchVq7GXhKvSqrWyGFCP0p0ghG
Oy69bSZuJOF+vm1wjhSaFJHUXCSC+YjW4hAc2fqF8v5b6oV9yExpNstaG6Bbiep0
e5ieI2kTC+Kvo2pNagbcgig=
-----END PRIVATE KEY-----
`;

const ENCLAVE_C_PEM = `-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDn2a13bsiqPCLg
pCh8rOSE45z7zCtZwy0pPJ12bkW68PZtxXLzbimAfMutzX2xWtivIx0JhAB2KXgr
TBKuQ+xjZvNYtTVDfpmc1nzVm+UDA3eAEkwBoWXrY7Ns+3YdXCzzY2OUwbcw23X7
flwxOLrO3jiNh+/YXH8KyRdrME/IRb58l62+SroS4EgpVBZQpvoH1WroBLtfW8Ce
9K1MtQxPGb/MtPBSvwdH7pwdV1dnZcOLAvuGi6CcJmgUz2iX+jA8oqcREXsYyHXe
HlVGhRB9WKTk2PIXrC7Mqfpc+q5/YExQvqaFFeOEyt7ToZycFI78k3f6nDlV92Yt
gmuxivKZAgMBAAECggEAGBd8eP6gB2B8V093jY0BqfVk6J1Mm+U2GiTcT+Qhhs1n
LfzodvcphNpy57qEpxtDjN9fMw/uZFjmzcj33/fa5nFaNAuQX1UWbT+0dRXf9DI2
Bq7gCwNUbeNMT7TJjz92xEu9m0WN3ZvQZLO6rLqyXrCku8A2YgsqgFpo/pBkmfDC
usIj9FnozqWveYLcoUkyaI+41MfDdtKJbPEiR2OwAWfecbybI0ntydQjRXU8Dy0g
YYDXYlQSBA+G/weLyFbFCVTm/gQ9Y0XzR6jIuBGwiz+Ibdyl1/EZ5knlnw0UjQAw
QAa1j/xkuUTjJsCPwq+tTqR1fP+oqEogp31O7yClIQKBgQD0VY5Uvgr/UE1poft3
O8Aw7jveXgzhBbJx/EpEDszrtJEcu9R0vVZOYOTH/xUCyLPGg9HAmLx9/WNWV1z7
LDo2hkc3ylI8LQhL3ItOTXizkruqtggy2tOVli0KEnf8nBYigEH6N7LxG8VwqdM4
MZTQ/yJAS7Yc3lLJb3RDs3txDQKBgQDy64ibS1zIMm2mGJaRPgiN8Itv80cpklmH
MWsPhzZEDJeHaceQadZzJCpXeqQDGwEZH4F+LJufHoQZ1sNx3G3mAqu38b5KcTnw
zl82J/KNTKZP6jUgzcO0E4kL7Ed3F102gymJFxsLdYQsiqdHDCou+pgVHoDaFQxB
Qid6JtNsvQKBgQClgG5wqGn6lwJY0wfqs+ZzPmv/K+W9ZoaA/0uu3fegkSbaN8Cp
crbLUIankflBcYGUriWeN9c14DUxfuvUlxi3Zi1HdRxO9pHwEOurln5z5KiJ8dOL
3v4DDT5k3C26RmAX7pjCTIhBGXab4ezY23zaNHeW5bHtzAp3t68hTKoI4QKBgQC+
4RcZt/EzGnUQg9ekT1NXfUGD+WzcnLQeyFUxAXVBqYdUD2mR76hkF3HyBVtlWU3W
mOwe4hxyvv7ccuZmzOfKSiT2yE1Xn3sA3pjwLBmqsCUrPIT8vtLd6E/S/5n0WXaU
RCJaJ77HlVMD0Pu6lzN6cM0aIzrqoolbqgjtMh8GHQKBgFxAbn44YtlLcV15ec3X
UsO5gFYPKaoArkuHR+GF8xGzEPE4re15wIwWwHFuTqsC2BjH9EB34Ek8945iZ8DT
eyziKvaEjRQbnBxOHzJ5M4CAE3N2XzkR6HtgULiZdydG/ITzbYAdhdE+2PxMvfsH
B+yThnHFm++2dfoDB9b1lyEc
-----END PRIVATE KEY-----
`;

function enclave(label: string, privateKeyPem: string): DevnetEnclaveKey {
  const der = createPublicKey(privateKeyPem).export({ type: "spki", format: "der" });
  const publicKeyDer: Hex = `0x${der.toString("hex")}`;
  return { label, privateKeyPem, publicKeyDer, teeId: teeIdFromPublicKey(publicKeyDer) };
}

/**
 * The three fixed devnet enclaves, in a stable order: scenarios refer to them by index or
 * label, and their tee_ids are computed at module load from the keys above.
 */
export const DEVNET_ENCLAVE_KEYS: readonly DevnetEnclaveKey[] = [
  enclave("enclave-a", ENCLAVE_A_PEM),
  enclave("enclave-b", ENCLAVE_B_PEM),
  enclave("enclave-c", ENCLAVE_C_PEM),
];
