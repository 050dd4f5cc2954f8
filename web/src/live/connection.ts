import { type BackoffOptions, backoffDelayMs, DEFAULT_BACKOFF } from "./backoff.ts";
import { ackFrame, CLOSE, covers, type Envelope, parseFrame, socketPath, socketProtocols, socketTopics } from "./protocol.ts";

/**
 * The event socket's life: connect, resume from the last applied seq, ping, ack, and come
 * back with backoff after anything but a final close. I/O and time are injected (a socket
 * opener, a clock, a random source) so the whole state machine runs in unit tests.
 */

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SocketHandlers {
  open(): void;
  message(data: string): void;
  close(code: number, reason: string): void;
}

export interface SocketPort {
  send(data: string): void;
  close(code: number, reason: string): void;
}

/** Opens a socket on a site-relative path with the given subprotocols. */
export type OpenSocket = (path: string, protocols: string[], on: SocketHandlers) => SocketPort;

/** What GET /api/me said after a socket failed: the token is refused, fine, or unknown (no answer). */
export type AuthCheck = "ok" | "unauthorized" | "unknown";

/** Where envelopes go: the thread book and the log, behind one interface. */
export interface EnvelopeSink {
  begin(mode: "fresh" | "resume"): void;
  /** Not ok when the client's view of a thread broke (a delta that does not apply): resync. */
  envelope(envelope: Envelope): { readonly ok: boolean; readonly message?: string };
  /** The socket closed: open runs are cut short. */
  interrupt(): void;
}

export type LiveStatus =
  | { readonly kind: "idle" }
  | { readonly kind: "connecting"; readonly attempt: number }
  | { readonly kind: "live"; readonly resumed: boolean }
  | { readonly kind: "reconnecting"; readonly atMs: number; readonly attempt: number; readonly reason: string }
  | { readonly kind: "offline"; readonly reason: string };

export interface ConnectionOptions {
  readonly openSocket: OpenSocket;
  readonly clock: Clock;
  readonly random: () => number;
  readonly token: () => string | null;
  readonly checkAuth: () => Promise<AuthCheck>;
  readonly sink: EnvelopeSink;
  readonly onStatus: (status: LiveStatus) => void;
  /** Frames the client refused, and resyncs: for the console, not the operator. */
  readonly onProblem?: (message: string) => void;
  readonly pingIntervalMs?: number;
  /** No frame at all (not even a pong) for this long: the socket is dead, whatever it says. */
  readonly silenceTimeoutMs?: number;
  readonly ackEveryEvents?: number;
  readonly ackAfterMs?: number;
  /** A socket open this long resets the backoff. */
  readonly stableAfterMs?: number;
  readonly backoff?: BackoffOptions;
}

const DEFAULTS = {
  pingIntervalMs: 20_000,
  silenceTimeoutMs: 50_000,
  ackEveryEvents: 200,
  ackAfterMs: 2_000,
  stableAfterMs: 10_000,
  backoff: DEFAULT_BACKOFF,
};

/** Client close codes (the 4000s are the application's): our own reasons for hanging up. */
export const CLIENT_CLOSE = { normal: 1000, resync: 4100, silent: 4101 } as const;

interface Current {
  readonly port: SocketPort;
  readonly generation: number;
  readonly mode: "fresh" | "resume";
  readonly topicsKey: string;
  opened: boolean;
  openedAtMs: number;
  /** Envelopes received on this socket. */
  frames: number;
}

export class LiveConnection {
  private readonly o: Required<Omit<ConnectionOptions, "onProblem">> & Pick<ConnectionOptions, "onProblem">;
  /** The topics of the socket we have or are about to open. */
  private topics: readonly string[] = [];
  private current: Current | null = null;
  private generation = 0;
  /** Highest seq applied from this server's sequence; null before a fresh connection has delivered any. */
  private lastSeq: number | null = null;
  /** The topics lastSeq belongs to: a resume must ask for exactly these. */
  private resumeKey: string | null = null;
  private forceFresh = false;
  private attempt = 0;
  private unacked = 0;
  private online = true;
  /** Set by a final close: no reconnect until the topics, the token or the operator say so. */
  private halted = false;
  private retryTimer: unknown = null;
  private pingTimer: unknown = null;
  private silenceTimer: unknown = null;
  private ackTimer: unknown = null;
  private status: LiveStatus = { kind: "idle" };

  constructor(options: ConnectionOptions) {
    this.o = { ...DEFAULTS, ...options };
  }

  /** The status last reported. */
  get state(): LiveStatus {
    return this.status;
  }

  /** Highest seq applied so far (what a resume asks from). */
  get seq(): number | null {
    return this.lastSeq;
  }

  /** The topics the socket is (or will be) subscribed to. */
  get subscribed(): readonly string[] {
    return this.topics;
  }

  /**
   * The union of topics the app's views need. A socket that already covers them is kept
   * (topics no view needs any more linger until the next reconnect); otherwise the client
   * reconnects to exactly these, fresh, since a resume is only valid for the same topics.
   */
  want(wanted: Iterable<string>): void {
    const next = socketTopics(wanted);
    if (next.length === 0) {
      if (!this.current && this.retryTimer === null) this.setStatus({ kind: "idle" });
      return;
    }
    const alive = this.current !== null || this.retryTimer !== null || this.halted;
    if (alive && covers(this.topics, next) && !this.halted) return;
    this.topics = next;
    this.halted = false;
    this.drop("topics changed");
    this.connect();
  }

  /** Reconnect now, skipping any wait (the operator asked, or the network came back). */
  reconnectNow(): void {
    if (this.current?.opened || this.topics.length === 0) return;
    this.halted = false;
    this.attempt = 0;
    this.drop("reconnect now");
    this.connect();
  }

  /** The browser's network state: offline waits without burning attempts. */
  setOnline(online: boolean): void {
    if (this.online === online) return;
    this.online = online;
    if (!online && !this.current?.opened) {
      this.clearRetry();
      this.drop("offline");
      this.setStatus({ kind: "offline", reason: "no network" });
    } else if (online && !this.current && !this.halted && this.topics.length > 0) {
      this.attempt = 0;
      this.connect();
    }
  }

  /** Hang up and forget the sequence (sign-out, or a new token). */
  stop(): void {
    this.clearRetry();
    this.drop("stopped");
    this.topics = [];
    this.lastSeq = null;
    this.resumeKey = null;
    this.forceFresh = false;
    this.attempt = 0;
    this.halted = false;
    this.setStatus({ kind: "idle" });
  }

  private connect(): void {
    this.clearRetry();
    const token = this.o.token();
    if (!token || this.topics.length === 0) {
      this.setStatus({ kind: "idle" });
      return;
    }
    if (!this.online) {
      this.setStatus({ kind: "offline", reason: "no network" });
      return;
    }
    const topicsKey = this.topics.join(",");
    const resume = this.lastSeq !== null && !this.forceFresh && this.resumeKey === topicsKey;
    const generation = ++this.generation;
    const mine = () => this.current?.generation === generation;
    this.setStatus({ kind: "connecting", attempt: this.attempt });
    const port = this.o.openSocket(socketPath(this.topics, resume ? this.lastSeq : null), socketProtocols(token), {
      open: () => mine() && this.opened(),
      message: (data) => mine() && this.received(data),
      close: (code, reason) => mine() && this.closed(code, reason),
    });
    this.current = { port, generation, mode: resume ? "resume" : "fresh", topicsKey, opened: false, openedAtMs: 0, frames: 0 };
  }

  private opened(): void {
    const c = this.current;
    if (!c) return;
    c.opened = true;
    c.openedAtMs = this.o.clock.now();
    if (c.mode === "fresh") {
      this.lastSeq = null;
      this.forceFresh = false;
    }
    this.resumeKey = c.topicsKey;
    this.unacked = 0;
    this.o.sink.begin(c.mode);
    this.setStatus({ kind: "live", resumed: c.mode === "resume" });
    this.schedulePing();
    this.armSilence();
  }

  private received(data: string): void {
    const c = this.current;
    if (!c?.opened) return;
    this.armSilence();
    const frame = parseFrame(data);
    if (frame.kind === "pong") return;
    if (frame.kind === "invalid") {
      this.o.onProblem?.(`ignored a frame: ${frame.reason}`);
      return;
    }
    const { envelope } = frame;
    if (c.frames++ === 0 && c.mode === "resume" && this.lastSeq !== null && envelope.seq <= this.lastSeq) {
      // A resume starts above since; this server started over instead (its sequence was reset):
      // take what follows as a fresh connection's snapshots.
      this.lastSeq = null;
      this.o.sink.begin("fresh");
    }
    const result = this.o.sink.envelope(envelope);
    this.lastSeq = this.lastSeq === null ? envelope.seq : Math.max(this.lastSeq, envelope.seq);
    this.unacked++;
    if (!result.ok) {
      this.o.onProblem?.(`resync: ${result.message ?? "a thread's state broke"}`);
      this.forceFresh = true;
      this.lost("resyncing", CLIENT_CLOSE.resync);
      return;
    }
    if (this.unacked >= this.o.ackEveryEvents) this.ack();
    else if (this.ackTimer === null) this.ackTimer = this.o.clock.setTimeout(() => this.ack(), this.o.ackAfterMs);
  }

  private closed(code: number, reason: string): void {
    const c = this.current;
    if (!c) return;
    this.detach();
    if (c.opened) this.o.sink.interrupt();
    if (c.opened && this.o.clock.now() - c.openedAtMs >= this.o.stableAfterMs) this.attempt = 0;
    if (code === CLOSE.authExpired) {
      this.halted = true;
      this.setStatus({ kind: "offline", reason: "session expired: sign in again" });
      void this.o.checkAuth();
      return;
    }
    if (code === CLOSE.badRequest) {
      this.halted = true;
      this.setStatus({ kind: "offline", reason: `the server refused the subscription${reason ? `: ${reason}` : ""}` });
      return;
    }
    if (!c.opened) {
      // Refused before the upgrade: a bad token looks like any failure, so ask the API.
      const generation = this.generation;
      this.setStatus({ kind: "connecting", attempt: this.attempt });
      void this.o.checkAuth().then((answer) => {
        if (this.generation !== generation || this.current || this.halted) return;
        if (answer === "unauthorized") {
          this.halted = true;
          this.setStatus({ kind: "offline", reason: "the token was refused" });
        } else {
          this.retry("cannot connect");
        }
      });
      return;
    }
    this.retry(closeReason(code, reason));
  }

  /** We decided the socket is gone (resync, silence): hang up and come back. */
  private lost(reason: string, code: number): void {
    this.drop(reason, code);
    this.retry(reason);
  }

  private retry(reason: string): void {
    this.clearRetry();
    if (!this.online) {
      this.setStatus({ kind: "offline", reason: "no network" });
      return;
    }
    const delay = backoffDelayMs(this.attempt, this.o.random, this.o.backoff);
    this.attempt++;
    this.setStatus({ kind: "reconnecting", atMs: this.o.clock.now() + delay, attempt: this.attempt, reason });
    this.retryTimer = this.o.clock.setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private ack(): void {
    if (this.ackTimer !== null) this.o.clock.clearTimeout(this.ackTimer);
    this.ackTimer = null;
    if (this.unacked === 0 || this.lastSeq === null || !this.current?.opened) return;
    this.send(ackFrame(this.lastSeq));
    this.unacked = 0;
  }

  private schedulePing(): void {
    this.pingTimer = this.o.clock.setTimeout(() => {
      this.pingTimer = null;
      if (!this.current?.opened) return;
      this.send("ping");
      this.schedulePing();
    }, this.o.pingIntervalMs);
  }

  private armSilence(): void {
    if (this.silenceTimer !== null) this.o.clock.clearTimeout(this.silenceTimer);
    this.silenceTimer = this.o.clock.setTimeout(() => {
      this.silenceTimer = null;
      this.lost("the server went silent", CLIENT_CLOSE.silent);
    }, this.o.silenceTimeoutMs);
  }

  private send(data: string): void {
    try {
      this.current?.port.send(data);
    } catch {
      // A socket that is closing drops what we send; its close event follows.
    }
  }

  /** Forgets the current socket (its late events are ignored) and stops its timers. */
  private detach(): void {
    this.current = null;
    for (const timer of [this.pingTimer, this.silenceTimer, this.ackTimer]) if (timer !== null) this.o.clock.clearTimeout(timer);
    this.pingTimer = this.silenceTimer = this.ackTimer = null;
    this.unacked = 0;
  }

  /** Hangs up on the current socket ourselves; its open runs are cut short like any close. */
  private drop(reason: string, code: number = CLIENT_CLOSE.normal): void {
    const c = this.current;
    if (!c) return;
    if (c.opened) this.ack();
    this.detach();
    try {
      c.port.close(code, reason);
    } catch {
      // Already closed.
    }
    if (c.opened) this.o.sink.interrupt();
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) this.o.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private setStatus(status: LiveStatus): void {
    this.status = status;
    this.o.onStatus(status);
  }
}

function closeReason(code: number, reason: string): string {
  if (code === CLOSE.goingAway) return "the server restarted";
  if (code === CLOSE.slowConsumer) return "fell behind (slow consumer)";
  if (code === 1006) return "connection lost";
  return reason ? `closed: ${reason} (${code})` : `closed (${code})`;
}
