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

/** For the module (src/js/exports.rs): its one way to make an NcloudError. */
export function fromModule(kind, message, details, cause) {
  return new NcloudError(kind, message, { ...details, cause });
}
