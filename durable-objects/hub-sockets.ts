import { CLOSE_HEARTBEAT, CLOSE_SLOW_CONSUMER, HEARTBEAT_REASON, SLOW_CONSUMER_REASON, type Unacked, acknowledge, isSilent, isSlow, newUnacked } from "../core/hub/clients.js";
import { frameFor, isPerSubscriber, newMemory } from "../core/hub/frames.js";
import type { Role, SubscriberMemory } from "../core/hub/pipeline.js";
import type { Envelope } from "../core/events.js";

/** What a socket carries through hibernation (≤ 2 KB): who it is and what it asked for. */
interface Attachment {
  sub: string;
  role: Role;
  topics: string[];
  connectedAtMs: number;
}

/** What the hub remembers of a socket while awake; rebuilt from the attachment after hibernation. */
interface SocketState {
  readonly attachment: Attachment;
  readonly memory: SubscriberMemory;
  readonly unacked: Unacked;
  lastAckMs: number;
}

/**
 * The hub's hibernatable sockets: an index by topic (rebuilt from the runtime's tags after a
 * wake), per-socket memory and unacknowledged frames, sending with the slow-consumer bound, and
 * the heartbeat sweep. The decisions are core/hub's; this keeps the sockets.
 */
export class HubSockets {
  private readonly states = new Map<WebSocket, SocketState>();
  /** Sockets by topic, in memory; rebuilt from the runtime's tags after a wake from hibernation. */
  private byTopic: Map<string, Set<WebSocket>> | null = null;

  constructor(private readonly ctx: DurableObjectState) {}

  /** Takes a socket the Worker authenticated; returns its state for the initial frames. */
  accept(server: WebSocket, topics: string[], role: Role, sub: string, nowMs: number): SocketState {
    this.ctx.acceptWebSocket(server, topics);
    this.index();
    this.indexSocket(server, topics);
    const attachment: Attachment = { sub, role, topics, connectedAtMs: nowMs };
    server.serializeAttachment(attachment);
    const st: SocketState = { attachment, memory: newMemory(), unacked: newUnacked(), lastAckMs: nowMs };
    this.states.set(server, st);
    return st;
  }

  state(ws: WebSocket, nowMs: number): SocketState | null {
    let st = this.states.get(ws);
    if (!st) {
      const attachment = ws.deserializeAttachment() as Attachment | null;
      if (!attachment) return null;
      st = { attachment, memory: newMemory(), unacked: newUnacked(), lastAckMs: nowMs };
      this.states.set(ws, st);
    }
    return st;
  }

  send(ws: WebSocket, st: SocketState, frame: string, seq: number): void {
    if (isSlow(st.unacked)) return this.close(ws, CLOSE_SLOW_CONSUMER, SLOW_CONSUMER_REASON);
    try {
      ws.send(frame);
      st.unacked.seqs.push(seq);
    } catch {
      this.forget(ws);
    }
  }

  acknowledged(st: SocketState, seq: number, nowMs: number): void {
    acknowledge(st.unacked, seq);
    st.lastAckMs = nowMs;
  }

  close(ws: WebSocket, code: number, reason: string): void {
    this.forget(ws);
    try {
      ws.close(code, reason);
    } catch {
      // already closed
    }
  }

  forget(ws: WebSocket): void {
    this.states.delete(ws);
    if (!this.byTopic) return;
    for (const set of this.byTopic.values()) set.delete(ws);
  }

  /** Sends a batch to every socket on any of `topics`: one frame per role, except per-socket market ticks. */
  broadcast(envelopes: readonly Envelope[], topics: readonly string[], nowMs: number): void {
    const index = this.index();
    const targets = new Set<WebSocket>();
    for (const t of topics) for (const ws of index.get(t) ?? []) targets.add(ws);
    if (targets.size === 0) return;
    for (const env of envelopes) {
      const perSocket = isPerSubscriber(env.event);
      const byRole = new Map<Role, string | null>();
      for (const ws of targets) {
        const st = this.state(ws, nowMs);
        if (!st) continue;
        const role = st.attachment.role;
        let frame = perSocket ? undefined : byRole.get(role);
        if (frame === undefined) {
          frame = frameFor(env, role, st.memory, nowMs);
          if (!perSocket) byRole.set(role, frame);
        }
        if (frame !== null) this.send(ws, st, frame, env.seq);
      }
    }
  }

  /** Closes sockets with no sign of life (connect, ping, ack) for the heartbeat timeout. */
  sweep(nowMs: number): void {
    for (const ws of this.ctx.getWebSockets()) {
      const st = this.state(ws, nowMs);
      if (!st) continue;
      const pinged = this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0;
      if (isSilent(nowMs, st.attachment.connectedAtMs, pinged, st.lastAckMs)) this.close(ws, CLOSE_HEARTBEAT, HEARTBEAT_REASON);
    }
  }

  count(): number {
    return this.ctx.getWebSockets().length;
  }

  private index(): Map<string, Set<WebSocket>> {
    if (!this.byTopic) {
      this.byTopic = new Map();
      for (const ws of this.ctx.getWebSockets()) this.indexSocket(ws, this.ctx.getTags(ws));
    }
    return this.byTopic;
  }

  private indexSocket(ws: WebSocket, topics: readonly string[]): void {
    const index = this.byTopic;
    if (!index) return;
    for (const t of topics) {
      let set = index.get(t);
      if (!set) index.set(t, (set = new Set()));
      set.add(ws);
    }
  }
}
