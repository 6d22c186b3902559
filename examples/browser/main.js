// Lists the instances the key pair can see and exports an instance's newest backup file, from a
// page. Vite carries the package's .wasm as an asset: a plain import, no init step.
import { exportLatestBackup, listInstances, NcloudError } from "ncloud-pg-backup";

/** @param {string} id */
const input = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));
const status = /** @type {HTMLElement} */ (document.getElementById("status"));
const table = /** @type {HTMLTableElement} */ (document.getElementById("instances"));
const form = /** @type {HTMLFormElement} */ (document.getElementById("settings"));
const listButton = /** @type {HTMLButtonElement} */ (document.getElementById("list"));

// `?endpoint=<url>` fills in the endpoint (a link to a relay, or a test's simulator).
const given = new URLSearchParams(location.search).get("endpoint");
if (given) input("endpoint").value = given;

const settings = () => ({
  accessKey: input("access-key").value.trim(),
  secretKey: input("secret-key").value,
  endpoint: input("endpoint").value.trim(),
});

/** @param {string} text @param {boolean} [error] */
function show(text, error = false) {
  status.textContent = text;
  status.className = error ? "error" : "";
}

/** @param {unknown} e */
const describe = (e) => (e instanceof NcloudError ? `${e.kind}: ${e.message}` : String(e));

/** @param {string} cloudPostgresqlInstanceNo @param {string} name shown in the status line */
async function exportNewest(cloudPostgresqlInstanceNo, name) {
  const bucketName = input("bucket").value.trim();
  show(`${name}: exporting the newest backup to ${bucketName}…`);
  try {
    // The newest file by endTime. (skipExisting would look in the bucket too, through Object
    // Storage's own endpoint, which a page reaches only if the bucket allows it by CORS.)
    const r = await exportLatestBackup({ ...settings(), cloudPostgresqlInstanceNo, bucketName });
    if (r.skipped) show(`${name}: ${r.fileName} is already in ${bucketName} as ${r.existing.key}`);
    else show(`${name}: export of ${r.fileName} to ${bucketName} accepted (requestId ${r.requestId}); the file appears in the bucket minutes later`);
  } catch (e) {
    show(`${name}: ${describe(e)}`, true);
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  show("listing instances…");
  try {
    const { instances } = await listInstances({ ...settings(), allPages: true });
    const body = /** @type {HTMLTableSectionElement} */ (table.tBodies[0]);
    body.replaceChildren(
      ...instances.map((i) => {
        const row = document.createElement("tr");
        row.dataset.instance = i.cloudPostgresqlInstanceNo;
        for (const text of [i.cloudPostgresqlServiceName, i.cloudPostgresqlInstanceNo, i.cloudPostgresqlInstanceStatusName]) {
          row.insertCell().textContent = String(text ?? "");
        }
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = "Export newest backup";
        button.addEventListener("click", () => exportNewest(i.cloudPostgresqlInstanceNo, i.cloudPostgresqlServiceName ?? i.cloudPostgresqlInstanceNo));
        row.insertCell().append(button);
        return row;
      }),
    );
    table.hidden = false;
    show(`${instances.length} instance(s)`);
  } catch (e) {
    show(describe(e), true);
  }
});

// The import above waited for the module to load: the page is ready.
listButton.disabled = false;
