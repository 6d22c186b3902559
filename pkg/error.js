// The error every failure of ncloud-pg-backup rejects with (or, for
// signRequest and new Client, throws). The wasm module makes it through
// `fromModule`; the entry files re-export this very class, so `instanceof`
// holds for what users import.

export class NcloudError extends Error {
  constructor(kind, message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    /** invalid_options | auth | permission | not_found | throttled | service | gateway | network | timeout | aborted | bad_response */
    this.kind = kind;
    /** HTTP status, when a response arrived. */
    this.status = details.status;
    /** NCP's errorCode (gateway) or returnCode (service), or Object Storage's Code. */
    this.code = details.code;
    this.requestId = details.requestId;
    /** How many requests were sent. */
    this.attempts = details.attempts ?? 0;
    /** True when the request did not run, so sending it again is safe. */
    this.retryable = details.retryable ?? false;
    /** For invalid_options: the option at fault. */
    this.option = details.option;
  }

  /** `JSON.stringify(error)` keeps the message and every field (a stack or cause object would be `{}`). */
  toJSON() {
    const { name, kind, message, status, code, requestId, attempts, retryable, option, cause } = this;
    return { name, kind, message, status, code, requestId, attempts, retryable, option, cause: cause === undefined ? undefined : String(cause?.message ?? cause) };
  }
}
NcloudError.prototype.name = "NcloudError";

/**
 * For the module. `callSite` is an Error made when an async call began: its
 * stack has the caller's frames, which an error made later, when an answer
 * arrives, would not. The module's own frames are left out.
 */
export function fromModule(kind, message, details, cause, callSite) {
  const error = new NcloudError(kind, message, { ...details, cause });
  const stack = typeof callSite?.stack === "string" ? callSite.stack.split("\n") : [];
  if (/^Error\b/.test(stack[0] ?? "")) stack.shift(); // V8's first line names the error; others start with a frame
  const frames = stack.filter((line) => line.trim() && !/wasm-function|wasm:\/\/|__wbg_/.test(line));
  if (frames.length) error.stack = `NcloudError: ${message}\n${frames.join("\n")}`;
  return error;
}
