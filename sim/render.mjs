// Response rendering for the NCP simulator: NCP's JSON and XML success bodies,
// service errors (responseError) and API Gateway errors (always JSON).

export const JSON_TYPE = "application/json;charset=UTF-8";
export const XML_TYPE = "application/xml;charset=UTF-8";
export const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>';

// Fields NCP documents as Long/Integer but that this simulator deliberately sends as
// JSON strings, so clients are exercised on "numbers may arrive as strings".
// totalRows, dataStorageSize, cpuCount, memorySize... stay JSON numbers.
export const JSON_STRING_FIELDS = new Set(["backupSize", "archivedWalFileSize", "usedDataStorageSize"]);

const XML_ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

export function escapeXml(value) {
  return String(value)
    // Characters XML 1.0 cannot carry at all (even escaped): replace, never emit.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "\uFFFD")
    .replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);
}

// NCP's XML lists: a wrapper element named "...List" around repeated child elements named
// after the item type, e.g. <serverInstanceList><serverInstance>..</serverInstance></serverInstanceList>
// (the sample XML in NCP's getServerInstanceDetail page). Same rule for cloudPostgresql* lists.
export function listItemName(listName) {
  return listName.endsWith("List") ? listName.slice(0, -4) : "item";
}

export function toXml(name, value) {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) {
    const child = listItemName(name);
    // An empty list is an empty wrapper element, as NCP sends it.
    return `<${name}>${value.map((v) => toXml(child, v)).join("")}</${name}>`;
  }
  if (typeof value === "object") {
    return `<${name}>${Object.entries(value).map(([k, v]) => toXml(k, v)).join("")}</${name}>`;
  }
  return `<${name}>${escapeXml(value)}</${name}>`;
}

// Deep copy for JSON output, turning the JSON_STRING_FIELDS numbers into strings.
// listAsObject (the json-list-as-object fault, after a gov example page): every list of
// exactly one item becomes `{ <XML item element name>: item }` instead of a one-item array.
export function jsonShape(value, key, { listAsObject = false } = {}) {
  const opts = { listAsObject };
  if (Array.isArray(value)) {
    if (listAsObject && value.length === 1) return { [listItemName(key ?? "")]: jsonShape(value[0], undefined, opts) };
    return value.map((v) => jsonShape(v, undefined, opts));
  }
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonShape(v, k, opts)]));
  }
  if (typeof value === "number" && JSON_STRING_FIELDS.has(key)) return String(value);
  return value;
}

/**
 * 200 success body `{ "<action>Response": { requestId, returnCode, returnMessage, ...fields } }`.
 * opts.xmlDeclaration: false leaves out `<?xml ...?>` (exportBackupToObjectStorage, as NCP's page
 * shows it); opts.listAsObject: see jsonShape.
 */
export function renderSuccess(action, format, requestId, fields = {}, { xmlDeclaration = true, listAsObject = false } = {}) {
  const payload = { requestId, returnCode: "0", returnMessage: "success", ...fields };
  const root = `${action}Response`;
  if (format === "json") {
    return { status: 200, headers: { "content-type": JSON_TYPE }, body: JSON.stringify({ [root]: jsonShape(payload, undefined, { listAsObject }) }) };
  }
  return { status: 200, headers: { "content-type": XML_TYPE }, body: (xmlDeclaration ? XML_DECL : "") + toXml(root, payload) };
}

/** Service (backend) error in the requested format. */
export function renderServiceError(format, status, returnCode, returnMessage) {
  const payload = { returnCode: String(returnCode), returnMessage: String(returnMessage) };
  if (format === "json") {
    return { status, headers: { "content-type": JSON_TYPE }, body: JSON.stringify({ responseError: payload }) };
  }
  return { status, headers: { "content-type": XML_TYPE }, body: XML_DECL + toXml("responseError", payload) };
}

// API Gateway errors: [HTTP status, errorCode, message], as listed in SPEC.md and in NCP's
// "Ncloud API response status codes" page (400/100 "Bad Request Exception", 404/300
// "Not Found Exception"). 405/100 is the simulator's own pairing for a wrong method.
export const GATEWAY_ERRORS = {
  badRequest: [400, "100", "Bad Request Exception"],
  auth: [401, "200", "Authentication Failed"],
  permission: [401, "210", "Permission Denied"],
  notFound: [404, "300", "Not Found Exception"],
  methodNotAllowed: [405, "100", "Bad Request Exception"],
  quota: [429, "400", "Quota Exceeded"],
  throttle: [429, "410", "Throttle Limited"],
  rate: [429, "420", "Rate Limited"],
  tooLarge: [413, "430", "Request Entity Too Large"],
  endpoint: [503, "500", "Endpoint Error"],
  timeout: [504, "510", "Endpoint Timeout"],
  unexpected: [500, "900", "Unexpected Error"],
};

// NCP documents no `details` field. errorCode 100 and 300 answers never carry one (the reason
// goes to the simulator-only x-sim-details header instead); the others carry it only when the
// caller passes one (auth failure reasons, 413, 500, a fault's own `details`).
const NO_DETAILS = new Set(["100", "300"]);

/** Header-safe form of a details text: printable ASCII only, bounded. */
export function headerSafe(text) {
  return String(text).replace(/[^\x20-\x7e]/g, "?").slice(0, 300);
}

/** Gateway error body; the gateway answers JSON whatever responseFormatType says. */
export function renderGatewayError(kind, details, status) {
  const [defaultStatus, errorCode, message] = GATEWAY_ERRORS[kind];
  const headers = { "content-type": JSON_TYPE };
  const error = { errorCode, message };
  if (details !== undefined && details !== null) {
    if (NO_DETAILS.has(errorCode)) headers["x-sim-details"] = headerSafe(details);
    else error.details = String(details);
  }
  return { status: status ?? defaultStatus, headers, body: JSON.stringify({ error }) };
}

/** Errors of the simulator's own /_sim/ endpoints: NCP's shape, with `details` (they are not NCP's). */
export function renderDebugError(status, message, details) {
  const errorCode = status === 404 ? "300" : "100";
  return { status, headers: { "content-type": JSON_TYPE }, body: JSON.stringify({ error: { errorCode, message, details } }) };
}

export function renderJson(status, value) {
  return { status, headers: { "content-type": JSON_TYPE }, body: JSON.stringify(value) };
}
