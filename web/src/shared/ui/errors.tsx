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
