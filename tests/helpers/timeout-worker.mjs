// A Worker for tests/workerd.test.mjs: one exportBackup against the endpoint
// in the query (`?ep=`), with `?t=` as timeoutMs; answers with the outcome.
import { exportBackup } from "ncloud-pg-backup";

const OPTS = { accessKey: "AK", secretKey: "SK", cloudPostgresqlInstanceNo: "1", fileName: "f", bucketName: "b" };

export default {
  async fetch(request) {
    const query = new URL(request.url).searchParams;
    try {
      const result = await exportBackup({ ...OPTS, endpoint: query.get("ep"), timeoutMs: Number(query.get("t")) });
      return Response.json({ outcome: "resolved", returnCode: result.returnCode });
    } catch (e) {
      return Response.json({ outcome: e.kind });
    }
  },
};
