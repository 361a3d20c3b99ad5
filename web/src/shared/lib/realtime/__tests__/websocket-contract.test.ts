import { ContractMonitor } from "../../monitoring/contract-monitor";
import { WebSocketContract } from "../websocket-contract";

const created = {
  type: "feedback.created",
  payload: {
    id: "550e8400-e29b-41d4-a716-446655440000",
    video_id: "550e8400-e29b-41d4-a716-446655440001",
    timestamp: 30.5,
    content: "Test feedback",
    user: { id: "550e8400-e29b-41d4-a716-446655440002", name: "John Doe" },
    created_at: "2025-08-24T10:00:00Z",
  },
};

describe("WebSocketContract", () => {
  it("parses a valid incoming message into its typed form", () => {
    const result = new WebSocketContract().parseIncoming(JSON.stringify(created));
    expect(result.success).toBe(true);
    expect(result.data?.type).toBe("feedback.created");
  });

  it("drops and records an invalid one", () => {
    const monitor = new ContractMonitor({ sinks: [] });
    const contract = new WebSocketContract(monitor);
    const broken = { ...created, payload: { ...created.payload, id: "invalid-uuid", timestamp: "not-a-number" } };
    const result = contract.parseIncoming(JSON.stringify(broken));
    expect(result.success).toBe(false);
    expect(result.errors).toEqual(expect.arrayContaining([expect.stringMatching(/^payload\.id: /), expect.stringMatching(/^payload\.timestamp: /)]));
    expect(contract.getViolations()).toHaveLength(1);
    expect(monitor.snapshot().violations[0]).toMatchObject({ key: "WS:feedback.created:response", direction: "incoming" });
  });

  it("drops unknown types, non-JSON frames and messages only clients send", () => {
    const contract = new WebSocketContract();
    expect(contract.parseIncoming("{nope").success).toBe(false);
    expect(contract.parseIncoming(JSON.stringify({ type: "feedback.exploded", payload: {} })).success).toBe(false);
    expect(contract.parseIncoming(JSON.stringify({ type: "ping", payload: {} })).success).toBe(false);
    expect(contract.getViolations()).toHaveLength(3);
  });

  it("checks what the client sends", () => {
    const contract = new WebSocketContract();
    expect(contract.validateOutgoing({ type: "ping", payload: { id: "1" } }).valid).toBe(true);
    expect(contract.validateOutgoing({ type: "ping", payload: { id: 1 } }).valid).toBe(false);
    expect(contract.validateOutgoing(created).valid).toBe(false);
  });
});
