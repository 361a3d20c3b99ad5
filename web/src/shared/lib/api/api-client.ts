/**
 * The one API client: openapi-fetch typed by the generated `paths`, over the contract-checking
 * fetch. Components never call `fetch`; features call `api` and get typed data or an ApiError.
 */
import createClient, { type Middleware } from "openapi-fetch";

import type { paths } from "@/generated/openapi";

import { monitor } from "../monitoring/monitor";
import { getToken } from "../session/token";
import { notifyViolation } from "../../ui/toast-bus";
import { createContractFetch } from "./contract-middleware";

export const CLIENT_NAME = "VideoPlanet-Frontend";
export const CLIENT_VERSION = import.meta.env?.VITE_APP_VERSION ?? "0.1.0";

/** The error envelope every 4xx carries: a stable code, a message, field details. */
export interface ErrorEnvelope {
  code: string;
  message: string;
  details: Record<string, string[]>;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, string[]>;

  constructor(status: number, envelope: Partial<ErrorEnvelope> | undefined) {
    super(envelope?.message ?? `The server answered ${status}.`);
    this.name = "ApiError";
    this.status = status;
    this.code = envelope?.code ?? "unknown_error";
    this.details = envelope?.details ?? {};
  }

  /** The messages about one field (`drawing_data.shapes.0.style.color`), or about any field under it. */
  forField(field: string): string[] {
    return Object.entries(this.details)
      .filter(([name]) => name === field || name.startsWith(`${field}.`))
      .flatMap(([, messages]) => messages);
  }
}

const authenticate: Middleware = {
  onRequest({ request }) {
    const token = getToken();
    if (token && !request.headers.has("Authorization")) request.headers.set("Authorization", `Bearer ${token}`);
    request.headers.set("X-Client", `${CLIENT_NAME}/${CLIENT_VERSION}`);
    return request;
  },
};

export const contractFetch = createContractFetch({ monitor, notify: notifyViolation });

export const api = createClient<paths>({
  baseUrl: typeof location === "undefined" ? "http://localhost" : location.origin,
  // openapi-fetch hands over a Request; the contract fetch reads a JSON body from it itself.
  fetch: (request: Request) => contractFetch(request),
});
api.use(authenticate);

/** The data of a call, or throw its error envelope as an ApiError. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw new ApiError(response.status, error as Partial<ErrorEnvelope> | undefined);
  return data as T;
}

/** The URL of the next page from a `Link: <…>; rel="next"` header, if any. */
export function nextPage(response: Response): string | null {
  const link = response.headers.get("Link");
  const match = link?.match(/<([^>]+)>\s*;\s*rel="next"/);
  return match?.[1] ?? null;
}
