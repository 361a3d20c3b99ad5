/**
 * SchemaValidator (docs/contract-testing.md §3.1): requests and responses checked against the
 * committed OpenAPI document, compiled at build time into plain functions
 * (scripts/generate-contracts.mjs). It reads the document the way the server's and the SDK's
 * validator does, and names problems by field path without echoing values.
 */
import * as generated from "@/generated/openapi-validators.js";

import type { CheckError, CheckFunction, OperationSpec, ParameterSpec } from "./checks";

export type Location = "body" | "query" | "path";

export interface Problem {
  location: Location;
  /** Dotted path inside the location, e.g. `drawing_data.shapes.0.style.color`. */
  field: string;
  message: string;
}

export interface ValidationResult {
  valid: boolean;
  problems: Problem[];
  /** Why the whole message is wrong (no such operation, a missing body...). */
  summary?: string;
  /** `field: message` lines, the seed's `errors: string[]`. */
  errors: string[];
}

const checks = generated as unknown as Record<string, CheckFunction>;

function result(problems: Problem[], summary?: string): ValidationResult {
  const errors = summary
    ? [summary]
    : problems.map((p) => `${p.location === "body" ? "" : `${p.location}.`}${p.field || "$"}: ${p.message}`);
  return { valid: problems.length === 0 && !summary, problems, summary, errors };
}

function describe(error: CheckError): { field: string; message: string } {
  const path = error.instancePath.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (error.keyword === "required" && typeof error.params.missingProperty === "string") {
    return { field: [...path, error.params.missingProperty].join("."), message: "required" };
  }
  if (error.keyword === "additionalProperties" && typeof error.params.additionalProperty === "string") {
    return { field: [...path, error.params.additionalProperty].join("."), message: "not a documented field" };
  }
  return { field: path.join("."), message: error.message ?? error.keyword };
}

function problemsOf(check: CheckFunction, data: unknown, location: Location, prefix: string[] = []): Problem[] {
  if (check(data)) return [];
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const error of check.errors ?? []) {
    // anyOf/oneOf report every branch; keep the first word per field and keyword
    if (error.keyword === "anyOf" || error.keyword === "oneOf" || error.keyword === "if") continue;
    const { field, message } = describe(error);
    const full = [...prefix, field].filter(Boolean).join(".");
    const key = `${full}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ location, field: full, message });
  }
  // A value that fits none of a oneOf's branches fails in each of them: keep what is said
  // about the deepest fields (the branch that came closest), not "must be null" at the top.
  const deepest = problems.filter(
    (p) => !problems.some((other) => other !== p && other.field.startsWith(`${p.field}.`)),
  );
  return deepest.length ? deepest : [{ location, field: prefix.join("."), message: "does not match its schema" }];
}

/**
 * A body's problems. A body of one of several forms that fits none is judged by the form it
 * came closest to (fewest errors; a feedback sent with `timestamp` is not told that `frame`
 * is missing or that `timestamp` is not accepted).
 */
function bodyProblems(operation: OperationSpec, body: unknown): Problem[] {
  const check = checks[operation.request as string] as CheckFunction;
  if (check(body)) return [];
  const forms = (operation.requestForms ?? []).map((name) => checks[name] as CheckFunction);
  const errorCounts = forms.map((form) => (form(body) ? 0 : (form.errors?.length ?? 0)));
  const closest = forms[errorCounts.indexOf(Math.min(...errorCounts))];
  const problems = closest ? problemsOf(closest, body, "body") : [];
  // Valid in a form but not as a whole (it fits two forms, or a rule outside them): say so.
  return problems.length ? problems : problemsOf(check, body, "body");
}

const NOT_CONVERTIBLE = Symbol("not convertible");

/** A query or path string as the JSON type its schema asks for. */
function coerce(value: string, type: string): unknown {
  if (type === "integer") return /^-?\d+$/.test(value) ? Number(value) : NOT_CONVERTIBLE;
  if (type === "number") {
    const number = Number(value);
    return value.trim() !== "" && Number.isFinite(number) ? number : NOT_CONVERTIBLE;
  }
  if (type === "boolean") return value === "true" ? true : value === "false" ? false : NOT_CONVERTIBLE;
  return value;
}

interface Route {
  pattern: RegExp;
  template: string;
  names: string[];
}

export class SchemaValidator {
  private readonly operations = new Map<string, OperationSpec>();
  private readonly routes: Route[];

  constructor(operations: OperationSpec[] = generated.operations) {
    const routes = new Map<string, Route>();
    for (const operation of operations) {
      this.operations.set(`${operation.method} ${operation.template}`, operation);
      if (!routes.has(operation.template)) {
        const names = [...operation.template.matchAll(/\{([^/{}]+)\}/g)].map((m) => m[1] as string);
        const source = operation.template
          .split(/\{[^/{}]+\}/)
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
          .join("([^/]+)");
        routes.set(operation.template, { pattern: new RegExp(`^${source}$`), template: operation.template, names });
      }
    }
    // literal segments win over {parameters}
    this.routes = [...routes.values()].sort((a, b) => a.names.length - b.names.length);
  }

  /** The documented operation a concrete path and method belong to, or null. */
  operation(path: string, method: string): OperationSpec | null {
    for (const route of this.routes) {
      if (route.pattern.test(path)) {
        const found = this.operations.get(`${method.toUpperCase()} ${route.template}`);
        if (found) return found;
      }
    }
    return null;
  }

  private find(path: string, method: string): { operation: OperationSpec; values: Record<string, string> } | string {
    for (const route of this.routes) {
      const match = route.pattern.exec(path);
      if (!match) continue;
      const operation = this.operations.get(`${method.toUpperCase()} ${route.template}`);
      if (!operation) return `No operation for ${method.toUpperCase()} ${route.template}`;
      const values: Record<string, string> = {};
      route.names.forEach((name, index) => {
        values[name] = decodeURIComponent(match[index + 1] ?? "");
      });
      return { operation, values };
    }
    return `No operation for path ${path}`;
  }

  /** A request: path parameters, the query (when given) and the JSON body (undefined: none). */
  validateRequest(path: string, method: string, body?: unknown, query?: URLSearchParams): ValidationResult {
    const found = this.find(path, method);
    if (typeof found === "string") return result([], found);
    const { operation, values } = found;
    const problems: Problem[] = [];
    for (const [name, value] of Object.entries(values)) problems.push(...this.parameter(operation, "path", name, [value]));
    if (query) {
      for (const name of new Set(query.keys())) problems.push(...this.parameter(operation, "query", name, query.getAll(name)));
      for (const spec of operation.parameters) {
        if (spec.in === "query" && spec.required && !query.has(spec.name)) {
          problems.push({ location: "query", field: spec.name, message: "required" });
        }
      }
    }
    const where = `${operation.method} ${operation.template}`;
    if (operation.request === null) {
      if (body !== undefined) return result(problems, `${where} takes no request body`);
    } else if (body === undefined) {
      if (operation.requestRequired) return result(problems, `${where} needs a request body`);
    } else {
      problems.push(...bodyProblems(operation, body));
    }
    return result(problems);
  }

  private parameter(operation: OperationSpec, location: "query" | "path", name: string, values: string[]): Problem[] {
    const spec: ParameterSpec | undefined = operation.parameters.find((p) => p.in === location && p.name === name);
    if (!spec) return [{ location, field: name, message: "not a documented parameter" }];
    if (!spec.array && values.length > 1) return [{ location, field: name, message: "given more than once" }];
    const coerced: unknown[] = [];
    for (const value of values) {
      const converted = coerce(value, spec.scalarType);
      if (converted === NOT_CONVERTIBLE) return [{ location, field: name, message: `expected ${spec.scalarType}` }];
      coerced.push(converted);
    }
    return problemsOf(checks[spec.check] as CheckFunction, spec.array ? coerced : coerced[0], location, [name]);
  }

  /** A response: its status must be documented and its JSON body match (undefined: no body). */
  validateResponse(path: string, method: string, status: number, body?: unknown): ValidationResult {
    const found = this.find(path, method);
    if (typeof found === "string") return result([], found);
    const { operation } = found;
    const where = `${operation.method} ${operation.template} -> ${status}`;
    if (!(String(status) in operation.responses)) return result([], `No schema for ${where}`);
    const check = operation.responses[String(status)];
    if (check === null || check === undefined) {
      return body === undefined || body === null || body === "" ? result([]) : result([], `${where} has no body`);
    }
    return result(problemsOf(checks[check] as CheckFunction, body, "body"));
  }
}

let shared: SchemaValidator | undefined;

/** The validator of the document this build was compiled from. */
export function committedValidator(): SchemaValidator {
  shared ??= new SchemaValidator();
  return shared;
}
