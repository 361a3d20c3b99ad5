/**
 * The committed web pacts cover what the app does: every API call site in src/ (found by
 * reading the source, not by running it) has an interaction with its method and path in the
 * HTTP pact, and every room event type the review room handles has one in the message pact.
 * A new call or event without a pact interaction fails here.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";

import { COMMITTED, HTTP_PACT_FILE, MESSAGE_PACT_FILE } from "@/shared/lib/pact/harness";
import { WebSocketContract } from "@/shared/lib/realtime/websocket-contract";

const SRC = resolve(__dirname, "../../../..");
const ROOM = join(SRC, "widgets/review/use-room.ts");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" || entry.name === "__tests__" ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** `api.METHOD("/api/...")` call sites: "METHOD /api/v1/path/{param}" → where. */
function apiCallSites(files: string[]): Map<string, string> {
  const found = new Map<string, string>();
  const call = /\bapi\s*\.\s*(GET|POST|PUT|PATCH|DELETE)\s*\(\s*["'`](\/api\/[^"'`]*)["'`]/g;
  for (const file of files) {
    for (const match of readFileSync(file, "utf8").matchAll(call)) {
      found.set(`${match[1]} ${match[2]}`, relative(SRC, file));
    }
  }
  return found;
}

interface Interaction {
  description: string;
  request?: { method: string; path: string };
  contents?: { content?: { type?: string } };
}

function interactions(file: string): Interaction[] {
  return (JSON.parse(readFileSync(join(COMMITTED, file), "utf8")) as { interactions: Interaction[] }).interactions;
}

function covers(template: string, path: string): boolean {
  const pattern = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+");
  return new RegExp(`^${pattern}$`).test(path);
}

/** The call sites in `files` that no HTTP interaction of the committed web pact covers. */
function uncovered(files: string[]): string[] {
  const requests = interactions(HTTP_PACT_FILE).flatMap((i) => (i.request ? [i.request] : []));
  return [...apiCallSites(files)]
    .filter(([call]) => {
      const [method, template] = call.split(" ") as [string, string];
      return !requests.some((r) => r.method === method && covers(template, decodeURIComponent(r.path)));
    })
    .map(([call, file]) => `${call} (${file})`);
}

describe("the web pacts cover the app", () => {
  it("finds the app's API calls by reading its source", () => {
    const sites = apiCallSites(sourceFiles(SRC));
    // a sanity floor: the scan sees the calls the review workspace is built on
    expect([...sites.keys()]).toEqual(expect.arrayContaining(["GET /api/v1/feedbacks", "POST /api/v1/realtime/tickets"]));
  });

  it("has an HTTP interaction for every API call site", () => {
    expect(
      uncovered(sourceFiles(SRC)),
      "API calls with no interaction in the web HTTP pact: add one to a *.pact.test.ts and run make web-pacts",
    ).toEqual([]);
  });

  it("names a new call site that has no interaction", () => {
    const dir = mkdtempSync(join(tmpdir(), "coverage-"));
    const page = join(dir, "page.ts");
    writeFileSync(
      page,
      [
        'api.GET("/api/v1/videos/{video_id}", { params: { path: { video_id: id } } });', // pacted
        'api.DELETE("/api/v1/videos/{video_id}", { params: { path: { video_id: id } } });', // not
      ].join("\n"),
    );
    try {
      expect(uncovered([...sourceFiles(SRC), page])).toEqual([`DELETE /api/v1/videos/{video_id} (${relative(SRC, page)})`]);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it("has a message interaction for every room event type the app handles", () => {
    const room = readFileSync(ROOM, "utf8");
    const cases = [...room.matchAll(/case\s+"([a-z_]+\.[a-z_]+)"\s*:/g)].map((m) => m[1] as string);
    const prefixes = [...room.matchAll(/startsWith\("([a-z_]+\.)"\)/g)].map((m) => m[1] as string);
    const byPrefix = new WebSocketContract().incomingTypes().filter((t) => prefixes.some((p) => t.startsWith(p)));
    const handled = new Set([...cases, ...byPrefix]);
    expect(handled.size).toBeGreaterThanOrEqual(10);
    const pacted = new Set(interactions(MESSAGE_PACT_FILE).map((i) => i.contents?.content?.type));
    expect([...handled].filter((t) => !pacted.has(t))).toEqual([]);
  });

  it("recognises a call the pact does not cover", () => {
    const requests = [{ method: "GET", path: "/api/v1/videos/550e8400-e29b-41d4-a716-446655440001" }];
    expect(requests.some((r) => covers("/api/v1/videos/{video_id}", r.path))).toBe(true);
    expect(requests.some((r) => covers("/api/v1/videos/{video_id}/versions", r.path))).toBe(false);
  });
});
