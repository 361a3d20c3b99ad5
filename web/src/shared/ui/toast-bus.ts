/** Toasts from outside React (the contract middleware) reach the toast region through here. */
import type { ViolationNotice } from "../lib/api/contract-middleware";

export interface ToastMessage {
  id: number;
  tone: "error" | "info";
  title: string;
  body: string;
}

type Listener = (toast: ToastMessage) => void;
const listeners = new Set<Listener>();
let next = 1;

export function showToast(toast: Omit<ToastMessage, "id">): void {
  const message = { ...toast, id: next++ };
  for (const listener of listeners) listener(message);
}

export function onToast(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Report mode: a developer sees which operation and field broke the contract. */
export function notifyViolation({ operation, violation }: ViolationNotice): void {
  showToast({
    tone: "error",
    title: `Contract violation: ${violation.type} of ${operation}`,
    body: violation.errors.slice(0, 3).join("; "),
  });
}
