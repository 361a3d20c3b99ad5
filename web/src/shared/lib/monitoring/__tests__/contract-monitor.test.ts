import { type Alert, ContractMonitor, type Report } from "../contract-monitor";

function clock(start = Date.UTC(2026, 10, 29, 10)) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const violation = (endpoint: string, error = "priority: must be one of") => ({
  endpoint,
  method: "POST",
  type: "request" as const,
  direction: "outgoing" as const,
  errors: [error],
});

describe("ContractMonitor", () => {
  it("aggregates by METHOD:endpoint:type with counts, times and distinct errors", () => {
    const time = clock();
    const monitor = new ContractMonitor({ now: time.now, sinks: [] });
    monitor.record(violation("/api/v1/feedbacks"));
    time.advance(5000);
    monitor.record(violation("/api/v1/feedbacks", "content: required"));
    monitor.recordViolation({ endpoint: "/api/v1/feedbacks", method: "POST", type: "request", error: "content: required" });
    expect(monitor.snapshot().violations).toEqual([
      {
        key: "POST:/api/v1/feedbacks:request",
        endpoint: "/api/v1/feedbacks",
        method: "POST",
        type: "request",
        direction: "outgoing",
        count: 3,
        firstSeen: "2026-11-29T10:00:00Z",
        lastSeen: "2026-11-29T10:00:05Z",
        uniqueErrors: 2,
        errors: ["priority: must be one of", "content: required"],
      },
    ]);
  });

  it("alerts once per key per window over the threshold, and caps alerts across keys", () => {
    const time = clock();
    const alerts: Alert[] = [];
    const monitor = new ContractMonitor({ now: time.now, threshold: 2, maxAlertsPerWindow: 3, sinks: [{ send: (a) => alerts.push(a) }] });
    for (let i = 0; i < 10; i += 1) monitor.record(violation("/api/v1/feedbacks"));
    expect(alerts).toHaveLength(1);
    for (let key = 0; key < 50; key += 1) for (let i = 0; i < 3; i += 1) monitor.record(violation(`/invented/${key}`));
    expect(alerts).toHaveLength(3);
    time.advance(61_000);
    for (let i = 0; i < 3; i += 1) monitor.record(violation("/api/v1/comments"));
    expect(alerts.at(-2)).toMatchObject({ key: "*", message: "48 more contract violation keys went over the threshold" });
    expect(alerts.at(-1)).toMatchObject({ key: "POST:/api/v1/comments:request" });
  });

  it("reports and starts over; a failed report is kept for the next", async () => {
    const sent: Report[] = [];
    let accept = false;
    const monitor = new ContractMonitor({ sinks: [], send: async (report) => (sent.push(report), accept) });
    monitor.record(violation("/api/v1/feedbacks"));
    await monitor.report();
    monitor.record(violation("/api/v1/feedbacks"));
    accept = true;
    await monitor.report();
    expect(sent.map((r) => r.violations[0]?.count)).toEqual([1, 2]);
    await monitor.report();
    expect(sent).toHaveLength(2); // nothing new, nothing sent
  });

  it("bounds the keys it keeps and counts what it drops", () => {
    const monitor = new ContractMonitor({ sinks: [], maxKeys: 2 });
    for (const endpoint of ["/a", "/b", "/c", "/d"]) monitor.record(violation(endpoint));
    expect(monitor.snapshot()).toMatchObject({ dropped: 2 });
    expect(monitor.snapshot().violations).toHaveLength(2);
  });
});
