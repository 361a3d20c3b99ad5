/**
 * The web app's consumer contracts (Pact V4): shared names, matchers and plumbing.
 *
 * HTTP interactions go to `VideoPlanet-Frontend-VideoPlanet-Backend.json`, room messages to
 * `VideoPlanet-Frontend-VideoPlanet-Backend-Realtime.json` (separate files, so the `pact
 * verifier` CLI replays the HTTP ones against a real server and the message producer checks
 * the others). Files are written to `$PACT_OUTPUT_DIR` (`make web-pacts` sets it to the
 * repository's pacts/) or a fresh temporary folder; each pact test file then compares what it
 * wrote with the committed file, so a contract change that is not committed fails.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { MatchersV3, PactV4, SpecificationVersion } from "@pact-foundation/pact";

export const CONSUMER = "VideoPlanet-Frontend";
export const PROVIDER = "VideoPlanet-Backend";
export const PROVIDER_REALTIME = "VideoPlanet-Backend-Realtime";
export const COMMITTED = resolve(__dirname, "../../../../../pacts");
export const HTTP_PACT_FILE = `${CONSUMER}-${PROVIDER}.json`;
export const MESSAGE_PACT_FILE = `${CONSUMER}-${PROVIDER_REALTIME}.json`;

// The provider states' fixed ids (videoplanet/contracts/provider_states.py).
export const FEEDBACK_ID = "550e8400-e29b-41d4-a716-446655440000";
export const VIDEO_ID = "550e8400-e29b-41d4-a716-446655440001";
export const JOHN_ID = "550e8400-e29b-41d4-a716-446655440002";
export const PARENT_COMMENT_ID = "550e8400-e29b-41d4-a716-446655440003";
export const COMMENT_ID = "550e8400-e29b-41d4-a716-446655440004";
export const JANE_ID = "550e8400-e29b-41d4-a716-446655440005";
export const PROJECT_ID = "550e8400-e29b-41d4-a716-446655440010";
export const JANES_PROJECT_ID = "550e8400-e29b-41d4-a716-446655440011";
export const INVITATION_ID = "550e8400-e29b-41d4-a716-446655440020"; // Jane invited John to her project
export const ADA_INVITATION_ID = "550e8400-e29b-41d4-a716-446655440021"; // John invites Ada to his
export const INVITATION_KEY = "vpi_pact-invitation-key"; // the key of INVITATION_ID's email
export const VIDEO_V2_ID = "550e8400-e29b-41d4-a716-446655440031";
export const UPLOAD_ID = "550e8400-e29b-41d4-a716-446655440032";
export const UPLOAD_SIZE = 1024; // the "an upload has started" state's file length
export const UPLOADED_VIDEO_ID = "550e8400-e29b-41d4-a716-446655440033";
export const UNKNOWN_ID = "550e8400-e29b-41d4-a716-446655449999";
export const TOKEN = "valid-token";
export const JOHN_PASSWORD = "john-password-1";
export const SIGNUP_KEY = "pending-signup-key"; // Grace Hopper's emailed sign-up link
export const SIGNUP_PASSWORD = "a-long-passphrase-1"; // and the password she signed up with

// zod and the app parse datetimes as UTC with a Z; the server sends them so.
export const UTC_Z = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$";
export const SCREENSHOT_URL = "^https?://.*\\.(jpg|jpeg|png|webp)$";
export const PRIORITY = "^(low|medium|high|critical)$";
export const STATUS = "^(open|in_progress|resolved|closed)$";
export const ROLE = "^(owner|editor|reviewer|viewer)$";
export const COLOUR = "^#[0-9A-F]{6}$";
export const EMAIL = "^[\\w.-]+@[\\w.-]+\\.\\w+$";
export const BEARER = "^Bearer .+$";
export const TIMECODE = "^\\d{2,}:[0-5]\\d:[0-5]\\d[:;]\\d{2,3}$";
export const VIDEO_STATUS = "^(processing|ready|failed)$";
export const ERROR_CODE = "^(validation_error|contract_violation)$";
export const FPS = "^[1-9][0-9]*(/[1-9][0-9]*)?$";
export const HTTP_URL = "^https?://.+$";

const { regex, uuid, like } = MatchersV3;

export const when = (example = "2025-08-24T10:00:00Z") => regex(UTC_Z, example);

export function outputDir(): string {
  return process.env.PACT_OUTPUT_DIR ? resolve(process.env.PACT_OUTPUT_DIR) : mkdtempSync(join(tmpdir(), "web-pacts-"));
}

export function newPact(provider: string, dir: string): PactV4 {
  return new PactV4({ consumer: CONSUMER, provider, dir, spec: SpecificationVersion.SPECIFICATION_VERSION_V4, logLevel: "warn" });
}

export const user = (id = JOHN_ID, name = "John Doe", email = "john@example.com") => ({
  id: uuid(id),
  name: like(name),
  email: regex(EMAIL, email),
});

export const userRef = (id = JOHN_ID, name = "John Doe") => ({ id: uuid(id), name: like(name) });

export const errorBody = (code: string | ReturnType<typeof regex>, details: unknown = like({})) => ({
  code,
  message: like("What went wrong, for people."),
  details,
});

interface PactFile {
  interactions: ({ description: string; type?: string } & Record<string, unknown>)[];
}

function interactionsOf(path: string): PactFile["interactions"] {
  const document = JSON.parse(readFileSync(path, "utf8")) as PactFile;
  return [...document.interactions].sort((a, b) =>
    `${a.type}|${a.description}`.localeCompare(`${b.type}|${b.description}`),
  );
}

/** The interactions written to `dir` next to the committed ones (sorted, ready to compare). */
export function writtenAndCommitted(dir: string, file: string) {
  return { written: interactionsOf(join(dir, file)), committed: interactionsOf(join(COMMITTED, file)) };
}

/**
 * Point the app's API client at a Pact mock server. The client's base URL is the page's origin;
 * requests keep their path, query, method, headers and body and go to `target` instead.
 */
export function redirectFetch(): { to(url: string): void } {
  const realFetch = globalThis.fetch.bind(globalThis);
  let target = "";
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    // Bytes, not text: an upload part is binary and must arrive unchanged.
    const body = ["GET", "HEAD"].includes(request.method) ? undefined : await request.arrayBuffer();
    // One connection per request: mock servers come and go, and a new one may get the port
    // of an old one whose kept-alive connection is dead.
    const headers = new Headers(request.headers);
    headers.set("Connection", "close");
    return realFetch(`${target}${url.pathname}${url.search}`, {
      method: request.method,
      headers,
      ...(body && body.byteLength > 0 ? { body } : {}),
    });
  };
  return {
    to(url: string) {
      target = url.replace(/\/$/, "");
    },
  };
}
