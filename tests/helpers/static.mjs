// A small static file server for tests: serves `root` on 127.0.0.1, with the
// MIME types browsers insist on for modules and wasm, and no path traversal.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";

export const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/**
 * Serves files under `root`; `routes` maps exact paths to [type, body], `mounts` maps a path
 * prefix ("/node_modules/x/") to another folder served under it.
 */
export async function serveStatic(dir, { routes = {}, mounts = {}, port = 0 } = {}) {
  const server = createServer(async (req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    } catch {
      return res.writeHead(400).end();
    }
    if (Object.hasOwn(routes, path)) {
      const [type, body] = routes[path];
      return res.writeHead(200, { "content-type": type }).end(body);
    }
    const mount = Object.keys(mounts).find((prefix) => path.startsWith(prefix));
    const [folder, rel] = mount ? [mounts[mount], path.slice(mount.length)] : [dir, path];
    const root = resolve(folder); // no trailing separator, so the guard below is exact
    const file = join(root, rel);
    if (!file.startsWith(root + sep)) return res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => {
      server.closeAllConnections?.();
      server.close(r);
    }),
  };
}
