/**
 * Alerts to Sentry when a DSN is configured (`VITE_SENTRY_DSN` at build time). The Sentry SDK
 * is loaded only then, as its own chunk, so the app carries no Sentry code otherwise.
 */
import type { Alert, AlertSink } from "./contract-monitor";

export function sentrySink(dsn: string | undefined): AlertSink {
  if (!dsn) return { send: () => undefined };
  const loading = import("@sentry/browser").then((sentry) => {
    sentry.init({ dsn, defaultIntegrations: false });
    return sentry;
  });
  return {
    send(alert: Alert) {
      void loading.then((sentry) =>
        sentry.captureMessage(alert.message, alert.severity === "high" ? "error" : "warning"),
      );
    },
  };
}
