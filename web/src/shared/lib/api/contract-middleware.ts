/**
 * ContractMiddleware (docs/contract-testing.md §3.2): wraps `fetch` so every API request and
 * response is checked against the committed OpenAPI document.
 *
 * - `report` (development): an invalid request is logged, shown in a toast naming the
 *   operation and the field, recorded, and sent anyway;
 * - `enforce` (production): an invalid request is refused before it is sent
 *   (`ContractViolationError`), and recorded;
 * - `off`: nothing is checked.
 *
 * Responses are checked in every mode but `off` and only recorded: the caller gets them at
 * once, and the check runs from a copy in a later task (a list of hundreds of feedbacks is
 * on screen before it has been read twice and checked).
 */
import type { ContractMonitor, ContractViolation } from "../monitoring/contract-monitor";
import { committedValidator, type SchemaValidator, type ValidationResult } from "./schema-validator";

export type ContractMode = "off" | "report" | "enforce";

export interface ViolationNotice {
  operation: string;
  violation: ContractViolation;
}

export class ContractViolationError extends Error {
  readonly operation: string;
  readonly result: ValidationResult;

  constructor(operation: string, result: ValidationResult) {
    super(`${operation}: the request breaks the API contract (${result.errors.slice(0, 3).join("; ")})`);
    this.name = "ContractViolationError";
    this.operation = operation;
    this.result = result;
  }
}

export interface ContractFetchOptions {
  fetch?: typeof fetch;
  mode?: ContractMode;
  validator?: SchemaValidator;
  monitor?: ContractMonitor;
  /** Shows a violation to a developer (a toast in report mode). */
  notify?: (notice: ViolationNotice) => void;
  /** Only paths under this prefix are API calls. */
  apiPrefix?: string;
}

function defaultMode(): ContractMode {
  const configured = import.meta.env?.VITE_CONTRACT_VALIDATION as ContractMode | undefined;
  if (configured === "off" || configured === "report" || configured === "enforce") return configured;
  return import.meta.env?.DEV ? "report" : "enforce";
}

function bodyOf(init: RequestInit | undefined): unknown {
  const raw = init?.body;
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "string") return undefined; // uploads (Blob, FormData) are not JSON
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

/** The JSON body of a Request (openapi-fetch hands over Requests), read from a clone. */
async function requestBodyOf(request: Request): Promise<unknown> {
  if (request.body === null || !(request.headers.get("Content-Type") ?? "").includes("json")) return undefined;
  return bodyOf({ body: await request.clone().text() });
}

/** The JSON body of a response (a copy: the caller reads the original). */
async function responseBody(copy: Response): Promise<unknown> {
  if (copy.status === 204 || copy.status === 304) return undefined;
  const type = copy.headers.get("Content-Type") ?? "";
  if (!type.includes("json")) return undefined;
  try {
    return (await copy.json()) as unknown;
  } catch {
    return undefined;
  }
}

/** A `fetch` that checks the contract of every API call it makes. */
export function createContractFetch(options: ContractFetchOptions = {}): typeof fetch {
  const baseFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const mode = options.mode ?? defaultMode();
  const prefix = options.apiPrefix ?? "/api/";
  if (mode === "off") return baseFetch;
  const validator = options.validator ?? committedValidator();

  const record = (violation: ContractViolation, operation: string) => {
    options.monitor?.record(violation);
    if (mode === "report") {
      console.warn(`Contract violation in ${operation}:`, violation.errors);
      options.notify?.({ operation, violation });
    }
  };

  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : null;
    const url = new URL(request ? request.url : String(input), globalThis.location?.href ?? "http://localhost/");
    const method = (init?.method ?? request?.method ?? "GET").toUpperCase();
    const operation = url.pathname.startsWith(prefix) ? validator.operation(url.pathname, method) : null;
    if (!operation) return baseFetch(input, init);
    const label = `${operation.method} ${operation.template}`;
    const requestBody = request && !init ? await requestBodyOf(request) : bodyOf(init);
    const checked = validator.validateRequest(url.pathname, method, requestBody, url.searchParams);
    if (!checked.valid) {
      record(
        { endpoint: operation.template, method, type: "request", direction: "outgoing", errors: checked.errors },
        label,
      );
      if (mode === "enforce") throw new ContractViolationError(label, checked);
    }
    const response = await baseFetch(input, init);
    const copy = response.clone();
    const checkResponse = async () => {
      const answered = validator.validateResponse(url.pathname, method, copy.status, await responseBody(copy));
      if (!answered.valid) {
        record(
          {
            endpoint: operation.template,
            method,
            type: "response",
            direction: "incoming",
            errors: answered.errors,
            status: copy.status,
          },
          label,
        );
      }
    };
    setTimeout(() => void checkResponse(), 0);
    return response;
  };
}
