// A user's app: it imports the package by name, with no init step, and the
// bundler has to carry the .wasm along. Runs a few conformance cases.
import * as lib from "ncloud-pg-backup";
import { runCases } from "../../conformance/cases.mjs";

const only = [
  "export: GET + JSON resolves to { requestId, returnCode, returnMessage, httpStatus } and reaches the bucket",
  "export: POST + XML gives the same result shape, form body, path-only signature",
  "invalid_options: refused before anything is sent, naming the option",
  "auth: a wrong secret is a 401 auth error with NCP's code, not retried",
  "lists: empty and one-item XML lists are arrays",
  "Client: credentials once, same methods, secret never shown",
];
const simUrl = new URLSearchParams(location.search).get("sim");
runCases({ lib, simUrl, only }).then((results) => {
  window.results = results;
});
