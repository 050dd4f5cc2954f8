import { type AuthCheck, type Clock, LiveConnection, type LiveStatus, type OpenSocket } from "./connection.ts";
import { EventLog, LOG_CAPACITY } from "./log.ts";
import { socketTopics } from "./protocol.ts";
import { ThreadBook } from "./threads.ts";

export interface LiveClientOptions {
  readonly openSocket: OpenSocket;
  readonly clock: Clock;
  readonly random: () => number;
  readonly token: () => string | null;
  readonly checkAuth: () => Promise<AuthCheck>;
  readonly onProblem?: (message: string) => void;
  readonly logCapacity?: number;
}

/**
 * The app's one live feed: a socket, the threads' state and runs, and the recent log. Views
 * hold topic sets; the socket serves their union. Listeners hear about every change and
 * decide themselves how often to look (the Solid adapter batches).
 */
export class LiveClient {
  readonly book = new ThreadBook();
  readonly log: EventLog;
  readonly connection: LiveConnection;
  private readonly holds = new Map<number, readonly string[]>();
  private nextHold = 1;
  private unionKey = "";
  private readonly listeners = new Set<() => void>();
  private readonly statusListeners = new Set<(status: LiveStatus) => void>();

  constructor(private readonly options: LiveClientOptions) {
    this.log = new EventLog(options.logCapacity ?? LOG_CAPACITY);
    this.connection = new LiveConnection({
      openSocket: options.openSocket,
      clock: options.clock,
      random: options.random,
      token: options.token,
      checkAuth: options.checkAuth,
      ...(options.onProblem ? { onProblem: options.onProblem } : {}),
      onStatus: (status) => {
        for (const fn of this.statusListeners) fn(status);
      },
      sink: {
        begin: (mode) => {
          this.book.begin(mode);
          this.changed();
        },
        envelope: (envelope) => {
          const result = this.book.apply(envelope, this.options.clock.now());
          if (!result.duplicate) this.log.push(envelope, result.runKey);
          this.changed();
          return result.ok ? { ok: true } : { ok: false, message: result.message };
        },
        interrupt: () => {
          this.book.interrupt();
          this.changed();
        },
      },
    });
  }

  get status(): LiveStatus {
    return this.connection.state;
  }

  /** Starts holding a set of topics; returns the hold's id for `update` and `release`. */
  hold(topics: readonly string[]): number {
    const id = this.nextHold++;
    this.holds.set(id, topics);
    this.resubscribe();
    return id;
  }

  update(id: number, topics: readonly string[]): void {
    if (!this.holds.has(id)) return;
    this.holds.set(id, topics);
    this.resubscribe();
  }

  release(id: number): void {
    if (this.holds.delete(id)) this.resubscribe();
  }

  /** The topics every view together wants (what a new socket would ask for). */
  wanted(): readonly string[] {
    return socketTopics([...this.holds.values()].flat());
  }

  /** A new identity (sign-in, sign-out): forget everything of the old one and connect afresh. */
  restart(): void {
    this.connection.stop();
    this.book.clear();
    this.log.clear();
    this.unionKey = "";
    this.changed();
    this.resubscribe();
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  onStatus(fn: (status: LiveStatus) => void): () => void {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }

  private resubscribe(): void {
    const union = this.wanted();
    const key = union.join(",");
    if (key === this.unionKey) return;
    this.unionKey = key;
    this.connection.want(union);
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }
}
