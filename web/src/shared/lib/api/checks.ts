/** The shapes of the validators generated from the contracts (scripts/generate-contracts.mjs). */

/** One ajv error, as ajv reports it. */
export interface CheckError {
  instancePath: string;
  /** Where in the schema it failed, e.g. `#/oneOf/1/required`. */
  schemaPath?: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** A compiled schema check: true when `data` matches; `errors` says why not. */
export interface CheckFunction {
  (data: unknown): boolean;
  errors?: CheckError[] | null;
}

export interface ParameterSpec {
  name: string;
  in: "query" | "path";
  required: boolean;
  array: boolean;
  scalarType: string;
  check: string;
}

export interface OperationSpec {
  method: string;
  template: string;
  operationId: string;
  security: Record<string, string[]>[];
  parameters: ParameterSpec[];
  request: string | null;
  requestRequired: boolean;
  /** When the body is one of several forms (a `oneOf`): each form's own check. */
  requestForms?: string[];
  responses: Record<string, string | null>;
}

export interface MessageSpec {
  type: string;
  direction: "incoming" | "outgoing";
  check: string;
  schema: string;
}
