import { ContractMonitor } from "../../monitoring/contract-monitor";
import { ContractViolationError, createContractFetch } from "../contract-middleware";

const FEEDBACK = "550e8400-e29b-41d4-a716-446655440000";
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

describe("createContractFetch", () => {
  it("refuses an invalid request in enforce mode without sending it", async () => {
    const sent = vi.fn(async () => json({}));
    const monitor = new ContractMonitor({ sinks: [] });
    const checked = createContractFetch({ fetch: sent, mode: "enforce", monitor });
    await expect(
      checked(`http://app.test/api/v1/feedbacks/${FEEDBACK}`, { method: "PATCH", body: JSON.stringify({ priority: "urgent" }) }),
    ).rejects.toBeInstanceOf(ContractViolationError);
    expect(sent).not.toHaveBeenCalled();
    expect(monitor.snapshot().violations[0]).toMatchObject({
      key: "PATCH:/api/v1/feedbacks/{feedback_id}:request",
      direction: "outgoing",
      count: 1,
    });
  });

  it("sends an invalid request in report mode and tells the developer which field", async () => {
    const sent = vi.fn(async () => json({ code: "validation_error", message: "The request has invalid fields.", details: {} }, 400));
    const notify = vi.fn();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const checked = createContractFetch({ fetch: sent, mode: "report", notify });
    const response = await checked(`http://app.test/api/v1/feedbacks/${FEEDBACK}`, { method: "PATCH", body: JSON.stringify({ priority: "urgent" }) });
    expect(response.status).toBe(400);
    expect(sent).toHaveBeenCalledOnce();
    expect(notify).toHaveBeenCalledWith(
      expect.objectContaining({ operation: "PATCH /api/v1/feedbacks/{feedback_id}" }),
    );
    expect(notify.mock.calls[0]![0].violation.errors.join()).toContain("priority");
    warn.mockRestore();
  });

  it("records a response that breaks the contract and still returns it", async () => {
    const monitor = new ContractMonitor({ sinks: [] });
    const checked = createContractFetch({ fetch: async () => json({ id: "not-a-user" }), mode: "enforce", monitor });
    const response = await checked("http://app.test/api/v1/me");
    expect(await response.json()).toEqual({ id: "not-a-user" });
    await vi.waitFor(() =>
      expect(monitor.snapshot().violations[0]).toMatchObject({ key: "GET:/api/v1/me:response", direction: "incoming" }),
    { timeout: 5000 });
  });

  it("hands the response over untouched, then records what the check found", async () => {
    const monitor = new ContractMonitor({ sinks: [] });
    const checked = createContractFetch({ fetch: async () => json({ id: "not-a-user" }), mode: "enforce", monitor });
    const response = await checked("http://app.test/api/v1/me");
    expect(await response.json()).toEqual({ id: "not-a-user" }); // its body is untouched
    await vi.waitFor(() => expect(monitor.snapshot().violations).toHaveLength(1), { timeout: 5000 });
  });

  it("checks the JSON body of a Request object (how openapi-fetch calls it)", async () => {
    const sent = vi.fn(async () => json({}));
    const checked = createContractFetch({ fetch: sent, mode: "enforce", monitor: new ContractMonitor({ sinks: [] }) });
    const request = (body: unknown) =>
      new Request("http://app.test/api/v1/projects", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    await checked(request({ name: "Trailer" }));
    expect(sent).toHaveBeenCalledOnce();
    expect(await (sent.mock.calls[0] as unknown as [Request])[0].json()).toEqual({ name: "Trailer" });
    await expect(checked(request({ name: 42 }))).rejects.toBeInstanceOf(ContractViolationError);
    expect(sent).toHaveBeenCalledOnce();
  });

  it("leaves requests outside the API alone", async () => {
    const sent = vi.fn(async () => new Response("<html>"));
    const monitor = new ContractMonitor({ sinks: [] });
    await createContractFetch({ fetch: sent, mode: "enforce", monitor })("http://app.test/static/app/index.html");
    expect(sent).toHaveBeenCalledOnce();
    expect(monitor.snapshot().violations).toEqual([]);
  });
});
