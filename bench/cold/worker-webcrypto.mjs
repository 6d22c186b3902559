// Cold start baseline in workerd: the same signature with WebCrypto (crypto.subtle HMAC).
import { KEYS, SIGN_INPUT, signed, stringToSign } from "../inputs.mjs";

const utf8 = new TextEncoder();

export default {
  async fetch() {
    const { method, url, timestamp } = SIGN_INPUT;
    const key = await crypto.subtle.importKey("raw", utf8.encode(KEYS.secretKey), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8.encode(stringToSign(method, url, timestamp, KEYS.accessKey))));
    const signature = btoa(String.fromCharCode(...mac));
    return Response.json(signed(signature, timestamp, KEYS.accessKey).headers);
  },
};
