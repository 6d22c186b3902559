// Cold start in-process: the package's import in a fresh process, timed from
// just before `await import` to just after (module graph, wasm compile and
// instantiation); prints that time and one signature, to show it works.
import { KEYS, SIGN_INPUT } from "../inputs.mjs";

const t0 = performance.now();
const { signRequest } = await import("ncloud-pg-backup");
const importMs = performance.now() - t0;

const signature = signRequest({ ...KEYS, ...SIGN_INPUT }).headers["x-ncp-apigw-signature-v2"];
console.log(JSON.stringify({ importMs, signature }));
