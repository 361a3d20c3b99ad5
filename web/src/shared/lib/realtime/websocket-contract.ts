/**
 * WebSocketContract (docs/contract-testing.md §4.2): every room message is checked against its
 * schema from the committed AsyncAPI document, compiled at build time. An incoming message that
 * fails is dropped and recorded; an outgoing one is refused before it is sent.
 */
import * as generated from "@/generated/asyncapi-validators.js";
import type { RoomMessage } from "@/generated/events";

import type { CheckFunction, MessageSpec } from "../api/checks";
import type { ContractMonitor } from "../monitoring/contract-monitor";

export interface ParseResult {
  success: boolean;
  data?: RoomMessage;
  errors?: string[];
}

export interface MessageValidation {
  valid: boolean;
  errors: string[];
}

const checks = generated as unknown as Record<string, CheckFunction>;

function errorsOf(check: CheckFunction): string[] {
  return (check.errors ?? [])
    .filter((e) => e.keyword !== "anyOf" && e.keyword !== "oneOf" && e.keyword !== "if")
    .map((e) => {
      const path = e.instancePath.split("/").slice(1).join(".");
      const field =
        e.keyword === "required" && typeof e.params.missingProperty === "string"
          ? [path, e.params.missingProperty].filter(Boolean).join(".")
          : path;
      return `${field || "$"}: ${e.keyword === "required" ? "required" : (e.message ?? e.keyword)}`;
    });
}

export class WebSocketContract {
  private readonly specs = new Map<string, MessageSpec>();
  private readonly violations: { direction: string; type: string; errors: string[]; timestamp: string }[] = [];

  constructor(
    private readonly monitor?: ContractMonitor,
    messages: MessageSpec[] = generated.messages,
  ) {
    for (const spec of messages) this.specs.set(spec.type, spec);
  }

  /** The message types the server sends. */
  incomingTypes(): string[] {
    return [...this.specs.values()].filter((s) => s.direction === "incoming").map((s) => s.type);
  }

  private check(message: unknown, direction: MessageSpec["direction"]): MessageValidation & { type: string } {
    const type =
      typeof message === "object" && message !== null && typeof (message as { type?: unknown }).type === "string"
        ? (message as { type: string }).type
        : "unknown";
    const spec = this.specs.get(type);
    if (!spec || spec.direction !== direction) {
      return { valid: false, type: spec ? type : "unknown", errors: [`type: not a ${direction} message type`] };
    }
    const check = checks[spec.check] as CheckFunction;
    return check(message) ? { valid: true, type, errors: [] } : { valid: false, type, errors: errorsOf(check) };
  }

  private record(direction: "incoming" | "outgoing", type: string, errors: string[]): void {
    this.violations.push({ direction, type, errors, timestamp: new Date().toISOString() });
    if (this.violations.length > 100) this.violations.shift();
    this.monitor?.record({
      endpoint: type,
      method: "WS",
      type: direction === "incoming" ? "response" : "request",
      direction,
      errors,
    });
  }

  /** A raw frame from the server: the typed message, or why it was dropped. */
  parseIncoming(raw: string): ParseResult {
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      this.record("incoming", "unknown", ["$: not JSON"]);
      return { success: false, errors: ["$: not JSON"] };
    }
    const result = this.check(message, "incoming");
    if (!result.valid) {
      this.record("incoming", result.type, result.errors);
      return { success: false, errors: result.errors };
    }
    return { success: true, data: message as RoomMessage };
  }

  /** A message this client is about to send. */
  validateOutgoing(message: unknown): MessageValidation {
    const result = this.check(message, "outgoing");
    if (!result.valid) this.record("outgoing", result.type, result.errors);
    return { valid: result.valid, errors: result.errors };
  }

  getViolations() {
    return [...this.violations];
  }

  clearViolations(): void {
    this.violations.length = 0;
  }
}
