/**
 * The app's one ContractMonitor. Reports go to the intake as the signed-in user (a browser
 * holds no reporter secret); `keepalive` lets the last report leave with a hidden page.
 */
import { getToken } from "../session/token";
import { ContractMonitor, type Report } from "./contract-monitor";
import { sentrySink } from "./sentry-sink";

async function send(report: Report, { keepalive }: { keepalive: boolean }): Promise<boolean> {
  const token = getToken();
  if (!token || typeof fetch === "undefined") return false;
  const response = await fetch("/api/monitoring/contract-violations", {
    method: "POST",
    keepalive,
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify(report),
  });
  return response.ok;
}

export const monitor = new ContractMonitor({
  send,
  sinks: [
    { send: (alert) => console.error(`Contract alert (${alert.severity}): ${alert.message}`) },
    sentrySink(import.meta.env?.VITE_SENTRY_DSN as string | undefined),
  ],
});
