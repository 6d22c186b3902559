// Cold start baseline: sign one request with node:crypto, print the signature.
import { SIGN_INPUT } from "../inputs.mjs";
import { signNodeCrypto } from "../baseline.mjs";

console.log(signNodeCrypto(SIGN_INPUT).headers["x-ncp-apigw-signature-v2"]);
