// Test helpers for the simulator: an independent signature v2 signer, a raw HTTP client
// (node:http, so the request target goes over the wire byte for byte), and a loose XML reader.

import http from "node:http";
import { createHmac } from "node:crypto";

export const DEMO = { accessKey: "demo-access-key", secretKey: "demo-secret-key" };
export const TEST = { accessKey: "test-access-key", secretKey: "test-secret-key" };

export const INSTANCE_A = "1234567"; // 3 backup files
export const INSTANCE_B = "2345678"; // exactly 1 backup file
export const INSTANCE_C = "3456789"; // no backup files
export const INSTANCE_DELETED = "4567890";
export const INSTANCE_R = "5678901"; // pg-reports: 2 backup files listed OLDER first, backupType USER
export const FILE_A1 = "20261120_030005";
export const FILE_SPECIAL = "manual 2026/11/18 #1 a+b&c=d 100% 백업 (!*')";
export const FILE_B = "20261120_020003";
export const FILE_DELETED = "20260101_030002";
export const FILE_R_OLD = "20261117";
export const FILE_R_NEW = "20261118";

/** Signature v2 headers for `method target` (target = path + "?" + query, as sent). */
export function signHeaders({ method, target, accessKey, secretKey, timestamp = Date.now() }) {
  const ts = String(timestamp);
  const signature = createHmac("sha256", secretKey).update(`${method} ${target}\n${ts}\n${accessKey}`).digest("base64");
  return {
    "x-ncp-apigw-timestamp": ts,
    "x-ncp-iam-access-key": accessKey,
    "x-ncp-apigw-signature-v2": signature,
  };
}

/** encodeURIComponent plus !'()* as NCP clients send them. */
export function encode(value) {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

export function queryString(params) {
  return Object.entries(params).map(([k, v]) => `${encode(k)}=${encode(v)}`).join("&");
}

/** Send one request exactly as given. Resolves { status, headers, body }; rejects on socket errors. */
export function raw(sim, { method = "GET", target, headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${sim.url}`, { method, path: target, headers, agent: false }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

/**
 * Signed call of an action. GET puts params in the query; POST in a form body (only the path is signed).
 * opts: { method, keys, timestamp, format ("json" (default) | "xml" | null = send no responseFormatType) }
 */
export function call(sim, action, params = {}, { method = "GET", keys = DEMO, timestamp, format = "json" } = {}) {
  const all = format ? { ...params, responseFormatType: format } : { ...params };
  const qs = queryString(all);
  const path = `/vpostgresql/v2/${action}`;
  if (method === "POST") {
    const headers = signHeaders({ method, target: path, ...keys, timestamp });
    headers["content-type"] = "application/x-www-form-urlencoded";
    return raw(sim, { method, target: path, headers, body: qs });
  }
  const target = qs ? `${path}?${qs}` : path;
  return raw(sim, { method, target, headers: signHeaders({ method, target, ...keys, timestamp }) });
}

export async function callJson(sim, action, params, opts) {
  const res = await call(sim, action, params, { ...opts, format: "json" });
  return { ...res, json: JSON.parse(res.body) };
}

// ---- loose XML reading (enough for NCP's flat, attribute-free documents)

export function unescapeXml(s) {
  return s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e) => ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" })[e]);
}

/** Inner text/markup of every <tag>...</tag> (non-nested same-name tags). */
export function xmlAll(xml, tag) {
  const re = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g");
  return [...xml.matchAll(re)].map((m) => m[1]);
}

export function xmlText(xml, tag) {
  const all = xmlAll(xml, tag);
  return all.length ? unescapeXml(all[0]) : undefined;
}

export async function getJson(sim, path, init) {
  const res = await fetch(sim.url + path, init);
  return { status: res.status, headers: res.headers, json: await res.json() };
}
