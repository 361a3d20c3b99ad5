/**
 * ContractMonitor (docs/contract-testing.md §6.1): every contract violation the app sees is
 * aggregated by `METHOD:endpoint:type`; more than `threshold` of one key within `windowMs`
 * raises one alert per key per window (and at most `maxAlertsPerWindow` in all, so invented
 * keys cannot fan out); a report goes to the intake every `reportIntervalMs` and when the
 * page is hidden. A browser holds no reporter secret: reports are sent as the signed-in user
 * and the server attributes them to the VideoPlanet-Frontend source.
 */

export type ViolationType = "request" | "response";
export type Direction = "incoming" | "outgoing";

export interface ContractViolation {
  /** The OpenAPI path template, or the message type for `WS`. */
  endpoint: string;
  method: string;
  type: ViolationType;
  direction: Direction;
  errors: string[];
  status?: number;
}

export interface Alert {
  severity: "low" | "medium" | "high";
  key: string;
  message: string;
  count: number;
}

export interface AlertSink {
  send(alert: Alert): void;
}

export interface ReportEntry {
  key: string;
  endpoint: string;
  method: string;
  type: ViolationType;
  direction: Direction;
  count: number;
  firstSeen: string;
  lastSeen: string;
  uniqueErrors: number;
  errors: string[];
}

export interface Report {
  timestamp: string;
  dropped: number;
  violations: ReportEntry[];
}

/** Sends a report; resolves true when the intake took it. */
export type ReportSender = (report: Report, options: { keepalive: boolean }) => Promise<boolean>;

export interface MonitorOptions {
  threshold?: number;
  windowMs?: number;
  maxAlertsPerWindow?: number;
  reportIntervalMs?: number;
  maxKeys?: number;
  maxErrorsPerKey?: number;
  sinks?: AlertSink[];
  send?: ReportSender;
  now?: () => number;
}

interface Stats {
  violation: ContractViolation;
  count: number;
  firstSeen: number;
  lastSeen: number;
  errors: Set<string>;
  uniqueErrors: number;
  windowStart: number;
  windowCount: number;
  alerted: boolean;
}

export const consoleSink: AlertSink = {
  send(alert) {
    console.error(`Contract alert (${alert.severity}): ${alert.message}`);
  },
};

export class ContractMonitor {
  private stats = new Map<string, Stats>();
  private dropped = 0;
  private alertWindowStart = 0;
  private alertsInWindow = 0;
  private suppressed = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly options: Required<Omit<MonitorOptions, "send">> & { send?: ReportSender };

  constructor(options: MonitorOptions = {}) {
    this.options = {
      threshold: 10,
      windowMs: 60_000,
      maxAlertsPerWindow: 20,
      reportIntervalMs: 60_000,
      maxKeys: 500,
      maxErrorsPerKey: 20,
      sinks: [consoleSink],
      now: () => Date.now(),
      ...options,
    };
  }

  static key(v: Pick<ContractViolation, "method" | "endpoint" | "type">): string {
    return `${v.method}:${v.endpoint}:${v.type}`;
  }

  /** The seed's shorthand: one error of one endpoint. */
  recordViolation(violation: { endpoint: string; method: string; type: ViolationType; error: string }): void {
    this.record({
      endpoint: violation.endpoint,
      method: violation.method,
      type: violation.type,
      direction: violation.type === "request" ? "outgoing" : "incoming",
      errors: [violation.error],
    });
  }

  record(violation: ContractViolation): void {
    const now = this.options.now();
    const key = ContractMonitor.key(violation);
    let stats = this.stats.get(key);
    if (!stats) {
      if (this.stats.size >= this.options.maxKeys) {
        this.dropped += 1;
        return;
      }
      stats = {
        violation,
        count: 0,
        firstSeen: now,
        lastSeen: now,
        errors: new Set(),
        uniqueErrors: 0,
        windowStart: now,
        windowCount: 0,
        alerted: false,
      };
      this.stats.set(key, stats);
    }
    stats.count += 1;
    stats.lastSeen = now;
    for (const error of violation.errors) {
      if (stats.errors.has(error)) continue;
      stats.uniqueErrors += 1;
      if (stats.errors.size < this.options.maxErrorsPerKey) stats.errors.add(error);
    }
    if (now - stats.windowStart >= this.options.windowMs) {
      stats.windowStart = now;
      stats.windowCount = 0;
      stats.alerted = false;
    }
    stats.windowCount += 1;
    if (stats.windowCount > this.options.threshold && !stats.alerted) {
      stats.alerted = true;
      this.alert(key, stats, now);
    }
  }

  private alert(key: string, stats: Stats, now: number): void {
    if (now - this.alertWindowStart >= this.options.windowMs) {
      if (this.suppressed > 0) {
        this.emit({
          severity: "high",
          key: "*",
          message: `${this.suppressed} more contract violation keys went over the threshold`,
          count: this.suppressed,
        });
      }
      this.alertWindowStart = now;
      this.alertsInWindow = 0;
      this.suppressed = 0;
    }
    if (this.alertsInWindow >= this.options.maxAlertsPerWindow) {
      this.suppressed += 1;
      return;
    }
    this.alertsInWindow += 1;
    this.emit({
      severity: stats.windowCount > this.options.threshold * 10 ? "high" : "medium",
      key,
      message: `${stats.windowCount} contract violations of ${key} within ${this.options.windowMs / 1000} s`,
      count: stats.windowCount,
    });
  }

  private emit(alert: Alert): void {
    for (const sink of this.options.sinks) {
      try {
        sink.send(alert);
      } catch {
        // an alert sink never breaks the page
      }
    }
  }

  /** The violations since the last report (the seed's report JSON). */
  snapshot(): Report {
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
    return {
      timestamp: iso(this.options.now()),
      dropped: this.dropped,
      violations: [...this.stats.entries()].map(([key, s]) => ({
        key,
        endpoint: s.violation.endpoint,
        method: s.violation.method,
        type: s.violation.type,
        direction: s.violation.direction,
        count: s.count,
        firstSeen: iso(s.firstSeen),
        lastSeen: iso(s.lastSeen),
        uniqueErrors: s.uniqueErrors,
        errors: [...s.errors],
      })),
    };
  }

  /** Send what has been seen; on failure keep it for the next report. */
  async report(options: { keepalive?: boolean } = {}): Promise<void> {
    const send = this.options.send;
    if (!send || (this.stats.size === 0 && this.dropped === 0)) return;
    const report = this.snapshot();
    const taken = this.stats;
    const dropped = this.dropped;
    this.stats = new Map();
    this.dropped = 0;
    let ok = false;
    try {
      ok = await send(report, { keepalive: Boolean(options.keepalive) });
    } catch {
      ok = false;
    }
    if (!ok) this.restore(taken, dropped);
  }

  private restore(taken: Map<string, Stats>, dropped: number): void {
    this.dropped += dropped;
    for (const [key, old] of taken) {
      const now = this.stats.get(key);
      if (!now) {
        if (this.stats.size < this.options.maxKeys) this.stats.set(key, old);
        else this.dropped += old.count;
        continue;
      }
      now.count += old.count;
      now.firstSeen = Math.min(now.firstSeen, old.firstSeen);
      for (const error of old.errors) if (now.errors.size < this.options.maxErrorsPerKey) now.errors.add(error);
      now.uniqueErrors += old.uniqueErrors;
    }
  }

  /** Report every interval and when the page is hidden. */
  start(target: Pick<Document, "addEventListener" | "visibilityState"> | null = typeof document === "undefined" ? null : document): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => void this.report(), this.options.reportIntervalMs);
    target?.addEventListener("visibilitychange", () => {
      if (target.visibilityState === "hidden") void this.report({ keepalive: true });
    });
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
