/**
 * A live review room: one WebSocket per open video, every frame checked by the
 * WebSocketContract (invalid ones are dropped and recorded), reconnecting with backoff after
 * a drop and telling its owner to reload what it missed. Authentication never puts the
 * long-lived token in the URL: `connectUrl` asks the API for a short-lived ticket.
 */
import type { RoomMessage } from "@/generated/events";

import { monitor } from "../monitoring/monitor";
import { WebSocketContract } from "./websocket-contract";

export type RoomStatus = "connecting" | "open" | "reconnecting" | "closed";

export interface RoomOptions {
  /** The URL to open (with a fresh ticket) for each connection attempt. */
  connectUrl: () => Promise<string>;
  onMessage: (message: RoomMessage) => void;
  onStatus?: (status: RoomStatus, detail?: { code?: number }) => void;
  /** Called after a reconnection: reload what the room said while it was away. */
  onResync?: () => void;
  contract?: WebSocketContract;
  socketFactory?: (url: string) => WebSocket;
  /** Backoff: first delay and cap, in ms. */
  backoff?: { first: number; max: number };
}

/** Close codes after which trying again cannot help: no access, no such room. */
const FINAL_CODES = new Set([4401, 4403, 4404, 1008]);

export class RoomSocket {
  private socket: WebSocket | null = null;
  private attempts = 0;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly contract: WebSocketContract;

  constructor(private readonly options: RoomOptions) {
    this.contract = options.contract ?? new WebSocketContract(monitor);
  }

  start(): void {
    this.stopped = false;
    void this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket?.close(1000);
    this.socket = null;
    this.options.onStatus?.("closed");
  }

  /** Send a client message (a ping); refused if it breaks the contract. */
  send(message: unknown): boolean {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    if (!this.contract.validateOutgoing(message).valid) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  private async open(): Promise<void> {
    this.options.onStatus?.(this.attempts === 0 ? "connecting" : "reconnecting");
    let url: string;
    try {
      url = await this.options.connectUrl();
    } catch {
      this.retry();
      return;
    }
    if (this.stopped) return;
    const socket = (this.options.socketFactory ?? ((u) => new WebSocket(u)))(url);
    this.socket = socket;
    socket.onopen = () => {
      const resumed = this.attempts > 0;
      this.attempts = 0;
      this.options.onStatus?.("open");
      if (resumed) this.options.onResync?.();
    };
    socket.onmessage = (event: MessageEvent) => {
      if (typeof event.data !== "string") return;
      const parsed = this.contract.parseIncoming(event.data);
      if (parsed.success && parsed.data) this.options.onMessage(parsed.data);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.stopped) return;
      if (FINAL_CODES.has(event.code)) {
        this.stopped = true;
        this.options.onStatus?.("closed", { code: event.code });
        return;
      }
      this.retry();
    };
  }

  private retry(): void {
    if (this.stopped) return;
    const { first, max } = this.options.backoff ?? { first: 500, max: 15_000 };
    const delay = Math.min(max, first * 2 ** this.attempts) * (0.5 + Math.random() / 2);
    this.attempts += 1;
    this.options.onStatus?.("reconnecting");
    this.timer = setTimeout(() => void this.open(), delay);
  }
}
