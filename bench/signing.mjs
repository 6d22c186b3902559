// Signing: nanoseconds per signature, every signer on the same input in the
// same process, interleaved per round; each ratio is the median of the
// per-round ratios to node:crypto.
import { Client, signRequest } from "ncloud-pg-backup";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { KEYS, SIGN_INPUT, signed, stringToSign } from "./inputs.mjs";
import { signNodeCrypto } from "./baseline.mjs";
import { log, median, now, ratio, sampleRounds } from "./stats.mjs";

const SIG = "x-ncp-apigw-signature-v2";
const utf8 = new TextEncoder();
const base64 = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");

async function candidates() {
  const { method, url, timestamp } = SIGN_INPUT;
  const { accessKey, secretKey } = KEYS;
  const freeInput = { ...KEYS, ...SIGN_INPUT };
  const client = new Client({ ...KEYS });
  const webKey = await crypto.subtle.importKey("raw", utf8.encode(secretKey), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const nobleKey = utf8.encode(secretKey);
  return [
    { id: "nodeCrypto", label: "node:crypto createHmac, keyed per call (baseline)", sign: () => signNodeCrypto(SIGN_INPUT) },
    // The A/A control: the same code as the baseline; its distance from 1.00× is this run's noise.
    { id: "nodeCryptoAgain", label: "node:crypto again (A/A: its distance from 1.00× is the noise)", sign: () => signNodeCrypto(SIGN_INPUT) },
    { id: "signRequest", label: "signRequest (keyed per call)", sign: () => signRequest(freeInput) },
    { id: "client", label: "Client#signRequest (key prepared once)", sign: () => client.signRequest(SIGN_INPUT) },
    {
      id: "webCrypto",
      label: "WebCrypto crypto.subtle.sign (key imported once)",
      async: true,
      sign: async () => {
        const mac = await crypto.subtle.sign("HMAC", webKey, utf8.encode(stringToSign(method, url, timestamp, accessKey)));
        return signed(base64(new Uint8Array(mac)), timestamp, accessKey);
      },
    },
    {
      id: "noble",
      label: "@noble/hashes hmac(sha256), pure JS",
      sign: () => signed(base64(hmac(sha256, nobleKey, utf8.encode(stringToSign(method, url, timestamp, accessKey)))), timestamp, accessKey),
    },
  ];
}

/** Runs `n` signatures; returns ns per signature and the last signature (checked by the caller). */
async function batch(c, n) {
  let last;
  const t0 = now();
  if (c.async) for (let i = 0; i < n; i++) last = await c.sign();
  else for (let i = 0; i < n; i++) last = c.sign();
  return { ns: ((now() - t0) * 1e6) / n, signature: last.headers[SIG] };
}

export async function benchSigning({ quick }) {
  // Many short rounds rather than a few long ones: each ratio pairs batches
  // run a few milliseconds apart, so the machine's swings (2x within a minute
  // on these machines) shift both sides of a ratio alike.
  const rounds = quick ? 5 : 101;
  const batchMs = quick ? 2 : 4;
  const list = await candidates();

  const expected = signNodeCrypto(SIGN_INPUT).headers[SIG];
  for (const c of list) {
    const got = (await c.sign()).headers[SIG];
    if (got !== expected) throw new Error(`signing: ${c.label} gives ${got}, node:crypto gives ${expected}; not comparing`);
  }

  // Each candidate's batch sized to about batchMs after a warm-up, so the fast and the slow get equal time.
  const iterations = {};
  for (const c of list) {
    await batch(c, 200);
    const { ns } = await batch(c, 200);
    iterations[c.id] = Math.max(20, Math.round((batchMs * 1e6) / ns));
  }
  log(`signing: ${rounds} rounds, ~${batchMs} ms per candidate per round`);

  const samples = await sampleRounds(list, rounds, async (c) => {
    const { ns, signature } = await batch(c, iterations[c.id]);
    if (signature !== expected) throw new Error(`signing: ${c.label} changed its signature`);
    return ns;
  });

  const results = {};
  for (const c of list) {
    const r = ratio(samples, c.id, "nodeCrypto");
    results[c.id] = {
      label: c.label,
      nsPerSignature: median(samples[c.id]),
      ratioToNodeCrypto: r.median,
      ratioQuartiles: r.quartiles,
      iterationsPerRound: iterations[c.id],
      samplesNs: samples[c.id],
    };
  }
  return { rounds, signature: expected, input: SIGN_INPUT, candidates: results };
}
