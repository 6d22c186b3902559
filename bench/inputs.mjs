// The fixed inputs every benchmark candidate gets, and the NCP signature v2
// string-to-sign as every JavaScript candidate builds it. No imports, so the
// cold-start scripts and the Workers can load it without pulling in anything.

/** SIMULATOR-ONLY credentials (sim/README.md). */
export const KEYS = { accessKey: "demo-access-key", secretKey: "demo-secret-key" };

/** The seeded export: instance, backup file and bucket that exist in the simulator. */
export const EXPORT = { cloudPostgresqlInstanceNo: "1234567", fileName: "20261120_030005", bucketName: "pg-backups" };

/** The request exportBackup sends, against `endpoint`. */
export function exportUrl(endpoint, params = EXPORT) {
  const query = Object.entries({ ...params, responseFormatType: "json" })
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join("&");
  return `${endpoint}/vpostgresql/v2/exportBackupToObjectStorage?${query}`;
}

/** What the signing section signs: the real gateway's export URL at a fixed time. */
export const SIGN_INPUT = {
  method: "GET",
  url: exportUrl("https://ncloud.apigw.ntruss.com"),
  timestamp: 1795986383958,
};

/** `METHOD + " " + path?query + "\n" + timestamp + "\n" + accessKey`, from the full URL. */
export function stringToSign(method, url, timestamp, accessKey) {
  const path = url.slice(url.indexOf("/", url.indexOf("//") + 2));
  return `${method} ${path}\n${timestamp}\n${accessKey}`;
}

/** The result shape of the package's signRequest, so every candidate does the same work. */
export function signed(signature, timestamp, accessKey) {
  return {
    headers: {
      "x-ncp-apigw-timestamp": String(timestamp),
      "x-ncp-iam-access-key": accessKey,
      "x-ncp-apigw-signature-v2": signature,
    },
    timestamp,
  };
}
