// The error class every failure of ncloud-pg-backup rejects with. It lives in
// JS so that `err instanceof NcloudError` works with the class users import:
// the wasm module constructs it through `createError` below, and the package's
// entry files re-export this very module.

export class NcloudError extends Error {
  constructor(kind, message, details = {}) {
    super(message);
    /** invalid_options | auth | permission | not_found | throttled | service | gateway | network | timeout | aborted | bad_response */
    this.kind = kind;
    /** HTTP status, when a response arrived. */
    this.status = details.status;
    /** NCP's errorCode (gateway) or returnCode (service), when given. */
    this.code = details.code;
    this.requestId = details.requestId;
    /** How many requests were sent. */
    this.attempts = details.attempts ?? 0;
    /** True when the request did not run, so sending it again is safe. */
    this.retryable = details.retryable ?? false;
    /** For invalid_options: the option at fault. */
    this.option = details.option;
  }
}
NcloudError.prototype.name = "NcloudError";

export function createError(kind, message, status, code, requestId, attempts, retryable, option) {
  return new NcloudError(kind, message, { status, code, requestId, attempts, retryable, option });
}
