import { RoomSocket } from "../room-socket";
import { WebSocketContract } from "../websocket-contract";

class FakeSocket {
  static OPEN = 1;
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(data);
  }
  close() {}
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(code: number) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

const joined = { type: "user.joined", payload: { user_id: "550e8400-e29b-41d4-a716-446655440002", name: "Ann", joined_at: "2026-11-29T10:00:00Z" } };

describe("RoomSocket", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal("WebSocket", FakeSocket);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  function room() {
    const sockets: FakeSocket[] = [];
    const received: unknown[] = [];
    const statuses: string[] = [];
    const resync = vi.fn();
    let ticket = 0;
    const socket = new RoomSocket({
      connectUrl: async () => `ws://app.test/ws/videos/v/?ticket=t${++ticket}`,
      onMessage: (m) => received.push(m),
      onStatus: (s) => statuses.push(s),
      onResync: resync,
      contract: new WebSocketContract(),
      socketFactory: (url) => {
        const fake = new FakeSocket(url);
        sockets.push(fake);
        return fake as unknown as WebSocket;
      },
      backoff: { first: 100, max: 1000 },
    });
    return { socket, sockets, received, statuses, resync };
  }

  it("passes valid messages on and drops the rest", async () => {
    const { socket, sockets, received } = room();
    socket.start();
    await vi.runOnlyPendingTimersAsync();
    sockets[0]!.open();
    sockets[0]!.receive(joined);
    sockets[0]!.receive({ type: "user.joined", payload: { user_id: "nope" } });
    expect(received).toEqual([joined]);
  });

  it("reconnects with a fresh ticket after a drop and asks for a resync", async () => {
    const { socket, sockets, resync, statuses } = room();
    socket.start();
    await vi.runOnlyPendingTimersAsync();
    sockets[0]!.open();
    sockets[0]!.drop(1006);
    await vi.advanceTimersByTimeAsync(200);
    expect(sockets).toHaveLength(2);
    expect(sockets[1]!.url).toContain("ticket=t2");
    sockets[1]!.open();
    expect(resync).toHaveBeenCalledOnce();
    expect(statuses).toContain("reconnecting");
  });

  it("stops for good when access is refused", async () => {
    const { socket, sockets, statuses } = room();
    socket.start();
    await vi.runOnlyPendingTimersAsync();
    sockets[0]!.drop(4403);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(1);
    expect(statuses.at(-1)).toBe("closed");
  });
});
