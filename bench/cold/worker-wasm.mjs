// Cold start in workerd: a Worker that imports the package and signs one request per fetch.
import { signRequest } from "ncloud-pg-backup";
import { KEYS, SIGN_INPUT } from "../inputs.mjs";

export default {
  fetch() {
    return Response.json(signRequest({ ...KEYS, ...SIGN_INPUT }).headers);
  },
};
