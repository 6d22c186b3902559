// Object Storage's requests are signed with AWS signature v4 in the module.
// Checked here against aws4fetch, a maintained independent implementation
// (the published AWS examples are checked by the Rust unit tests of
// crates/ncp-signature), for the listings the package sends.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AwsV4Signer } from "aws4fetch";
import { findExportedObject } from "ncloud-pg-backup";

/** Every listing request the package sends for these options: URL and headers. */
async function listings(opts, pages = 2) {
  const sent = [];
  let n = 0;
  const fetch = async (url, init) => {
    sent.push({ url, headers: init.headers });
    n++;
    const more = n < pages ? `<IsTruncated>true</IsTruncated><NextMarker>next/${n}+page ==</NextMarker>` : "<IsTruncated>false</IsTruncated>";
    return new Response(`<ListBucketResult>${more}</ListBucketResult>`);
  };
  await findExportedObject({ accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", fileName: "f", fetch, ...opts });
  return sent;
}

/** aws4fetch's Authorization for the same request, at the same time. */
async function independent({ url, headers }, region) {
  const signer = new AwsV4Signer({
    method: "GET",
    url,
    headers: { "x-amz-content-sha256": headers["x-amz-content-sha256"] },
    accessKeyId: "AKIAIOSFODNN7EXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    service: "s3",
    region,
    datetime: headers["x-amz-date"],
  });
  return (await signer.sign()).headers.get("authorization");
}

for (const [what, opts, region] of [
  ["the public site's endpoint", { bucketName: "pg-backups" }, "kr-standard"],
  ["a bucket name with dots and digits, another region", { bucketName: "pg.backups-2026", storageRegion: "kr-standard-2" }, "kr-standard-2"],
  ["a local endpoint with a port and a path prefix", { bucketName: "pg-backups", storageEndpoint: "http://127.0.0.1:8787/s3" }, "kr-standard"],
  ["the gov site, whose region is gov-standard", { bucketName: "archive", site: "gov" }, "gov-standard"],
  ["the fin site, whose region is fin-standard", { bucketName: "archive", site: "fin" }, "fin-standard"],
]) {
  test(`SigV4: the package's listing requests equal aws4fetch's, ${what}`, async () => {
    const sent = await listings(opts);
    assert.equal(sent.length, 2, "two pages, the second after the first's marker");
    assert.match(sent[1].url, /marker=next%2F1%2Bpage%20%3D%3D/);
    for (const request of sent) {
      assert.match(request.headers["x-amz-date"], /^\d{8}T\d{6}Z$/);
      assert.equal(request.headers.authorization, await independent(request, region), request.url);
    }
  });
}
