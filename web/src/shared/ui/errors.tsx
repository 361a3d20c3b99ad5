import { ApiError } from "../lib/api/api-client";
import { ContractViolationError } from "../lib/api/contract-middleware";

/** The envelope's message (or what went wrong), announced to screen readers. */
export function ErrorSummary({ error }: { error: unknown }) {
  if (!error) return null;
  const message =
    error instanceof ApiError || error instanceof ContractViolationError
      ? error.message
      : "Something went wrong. Check your connection and try again.";
  return (
    <p role="alert" className="error-summary">
      {message}
    </p>
  );
}

/** A field's messages from the envelope's `details`, next to the field. */
export function FieldErrors({ id, messages }: { id: string; messages: string[] | undefined }) {
  return (
    <span id={id} className="field-errors" role={messages?.length ? "alert" : undefined}>
      {messages?.join(" ")}
    </span>
  );
}

/** The request validator's wording (ajv's) as a sentence a reviewer can act on. */
export function readable(message: string): string {
  if (message === "required") return "This field is required.";
  if (message === "not a documented field") return "This field is not accepted.";
  if (message.startsWith("must match pattern")) return "Must not be blank or contain control characters.";
  const format = /^must match format "([^"]+)"$/.exec(message);
  if (format) return `Must be a valid ${format[1]}.`;
  const text = message.replace(/^must NOT/, "must not");
  return `${text[0]!.toUpperCase()}${text.slice(1)}${text.endsWith(".") ? "" : "."}`;
}

const within = (name: string, field: string) => name === field || name.startsWith(`${field}.`);

/**
 * What an error says about one form field (or any field under it): the server's 400
 * `details`, or, for a request the contract check refused before sending it, the request
 * validator's problems with that field of the body.
 */
export function fieldMessages(error: unknown, ...fields: string[]): string[] {
  if (error instanceof ApiError) return fields.flatMap((field) => error.forField(field));
  if (error instanceof ContractViolationError) {
    return fields.flatMap((field) =>
      error.result.problems.filter((p) => p.location === "body" && within(p.field, field)).map((p) => readable(p.message)),
    );
  }
  return [];
}

/**
 * Whether the error needs a summary above the form: something went wrong that no field
 * shown (`fields`) explains (a 403, a network failure, a detail about a field the form does
 * not have).
 */
export function needsSummary(error: unknown, fields: string[]): boolean {
  if (!error) return false;
  const placed = (name: string) => fields.some((field) => within(name, field));
  if (error instanceof ApiError) {
    const names = Object.keys(error.details);
    return names.length === 0 || !names.every(placed);
  }
  if (error instanceof ContractViolationError) {
    const { problems, summary } = error.result;
    return Boolean(summary) || problems.length === 0 || !problems.every((p) => p.location === "body" && placed(p.field));
  }
  return true;
}
