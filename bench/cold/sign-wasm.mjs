// Cold start: import the package, sign one request, print the signature.
import { signRequest } from "ncloud-pg-backup";
import { KEYS, SIGN_INPUT } from "../inputs.mjs";

console.log(signRequest({ ...KEYS, ...SIGN_INPUT }).headers["x-ncp-apigw-signature-v2"]);
