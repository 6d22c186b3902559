// A Worker that imports the package exactly as a user's Worker would and runs
// the conformance cases inside workerd.
import * as lib from "ncloud-pg-backup";
import { runCases } from "./cases.mjs";

export default {
  async fetch(request, env) {
    return Response.json(await runCases({ lib, simUrl: env.SIM_URL }));
  },
};
