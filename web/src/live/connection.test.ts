import { describe, expect, test } from "vitest";
import { type AuthCheck, type Clock, LiveConnection, type LiveStatus, type SocketHandlers } from "./connection.ts";
import type { Envelope } from "./protocol.ts";
import { env, ev, snapshotRun } from "./test-events.ts";

/** Timers run only when the test advances the clock. */
class ManualClock implements Clock {
  private t = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
    }
    this.t = end;
  }
}

class FakeSocket {
  readonly sent: string[] = [];
  closedWith: { code: number; reason: string } | null = null;
  constructor(
    readonly path: string,
    readonly protocols: string[],
    private readonly on: SocketHandlers,
  ) {}
  send(data: string) {
    this.sent.push(data);
  }
  close(code: number, reason: string) {
    this.closedWith = { code, reason };
  }
  /** The server side. */
  open() {
    this.on.open();
  }
  deliver(...envelopes: Envelope[]) {
    for (const e of envelopes) this.on.message(JSON.stringify(e));
  }
  raw(data: string) {
    this.on.message(data);
  }
  serverClose(code: number, reason = "") {
    this.on.close(code, reason);
  }
  get since(): string | null {
    return new URL(this.path, "http://x").searchParams.get("since");
  }
  get topics(): string | null {
    return new URL(this.path, "http://x").searchParams.get("topics");
  }
  acks(): number[] {
    return this.sent.filter((s) => s.startsWith("{")).map((s) => (JSON.parse(s) as { seq: number }).seq);
  }
}

function setup(options: { auth?: AuthCheck; applyOk?: (e: Envelope) => boolean } = {}) {
  const clock = new ManualClock();
  const sockets: FakeSocket[] = [];
  const statuses: LiveStatus[] = [];
  const applied: Envelope[] = [];
  const begins: string[] = [];
  let interrupts = 0;
  let authChecks = 0;
  let token: string | null = "tok";
  const connection = new LiveConnection({
    clock,
    random: () => 0.5,
    token: () => token,
    openSocket: (path, protocols, on) => {
      const s = new FakeSocket(path, protocols, on);
      sockets.push(s);
      return s;
    },
    checkAuth: async () => {
      authChecks++;
      return options.auth ?? "ok";
    },
    sink: {
      begin: (mode) => begins.push(mode),
      envelope: (e) => {
        applied.push(e);
        return { ok: options.applyOk?.(e) ?? true, message: "bad delta" };
      },
      interrupt: () => void interrupts++,
    },
    onStatus: (s) => statuses.push(s),
  });
  const last = () => {
    const s = sockets.at(-1);
    if (!s) throw new Error("no socket opened");
    return s;
  };
  return {
    clock,
    sockets,
    statuses,
    applied,
    begins,
    connection,
    last,
    status: () => statuses.at(-1),
    interrupts: () => interrupts,
    authChecks: () => authChecks,
    signOut: () => (token = null),
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe("connecting", () => {
  test("when a view wants topics then one socket opens with the subprotocols and no since", () => {
    const t = setup();
    t.connection.want(["treasury", "farm:a"]);
    expect(t.sockets).toHaveLength(1);
    expect(t.last().protocols).toEqual(["cival.v1", "bearer.tok"]);
    expect(t.last().topics).toBe("farm:a,treasury");
    expect(t.last().since).toBeNull();
    expect(t.status()).toEqual({ kind: "connecting", attempt: 0 });
    t.last().open();
    expect(t.status()).toEqual({ kind: "live", resumed: false });
    expect(t.begins).toEqual(["fresh"]);
  });

  test("when the socket already covers what a view wants then no new socket opens", () => {
    const t = setup();
    t.connection.want(["desk"]);
    t.last().open();
    t.connection.want(["treasury", "farm:a"]);
    t.connection.want([]);
    expect(t.sockets).toHaveLength(1);
  });

  test("when a view wants a topic the socket lacks then it reconnects fresh to the new set", () => {
    const t = setup();
    t.connection.want(["treasury"]);
    t.last().open();
    t.last().deliver(...snapshotRun(5, "treasury", {}));
    t.connection.want(["treasury", "risk"]);
    expect(t.sockets[0]?.closedWith?.code).toBe(1000);
    expect(t.sockets).toHaveLength(2);
    expect(t.last().topics).toBe("risk,treasury");
    expect(t.last().since).toBeNull();
  });

  test("when there is no token then nothing connects", () => {
    const t = setup();
    t.signOut();
    t.connection.want(["desk"]);
    expect(t.sockets).toHaveLength(0);
    expect(t.status()).toEqual({ kind: "idle" });
  });
});

describe("reconnecting", () => {
  test("when the server restarts then the client comes back after a jittered backoff and resumes from the last seq", () => {
    const t = setup();
    t.connection.want(["desk"]);
    t.last().open();
    t.last().deliver(...snapshotRun(40, "treasury", {}), env(41, "treasury", ev.custom("cival.x", 1)));
    t.last().serverClose(1001, "deploy");
    expect(t.interrupts()).toBe(1);
    // attempt 0: ceiling 500 ms, random 0.5 → 250 ms
    expect(t.status()).toMatchObject({ kind: "reconnecting", atMs: 250, attempt: 1, reason: "the server restarted" });
    t.clock.advance(249);
    expect(t.sockets).toHaveLength(1);
    t.clock.advance(1);
    expect(t.sockets).toHaveLength(2);
    expect(t.last().since).toBe("41");
    expect(t.last().topics).toBe("desk");
    t.last().open();
    expect(t.status()).toEqual({ kind: "live", resumed: true });
    expect(t.begins).toEqual(["fresh", "resume"]);
  });

  test("when connections keep failing then the waits double up to the cap", () => {
    const t = setup();
    t.connection.want(["desk"]);
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      t.last().open();
      t.last().serverClose(1006);
      const s = t.status();
      if (s?.kind !== "reconnecting") throw new Error(`expected reconnecting, got ${s?.kind}`);
      waits.push(s.atMs - t.clock.now());
      t.clock.advance(s.atMs - t.clock.now());
    }
    expect(waits).toEqual([250, 500, 1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000]);
  });

  test("when a connection stayed up a while then the next failure starts the backoff over", () => {
    const t = setup();
    t.connection.want(["desk"]);
    t.last().open();
    t.last().serverClose(1006);
    t.clock.advance(250);
    t.last().open();
    t.last().serverClose(1006);
    expect(t.status()).toMatchObject({ attempt: 2 });
    t.clock.advance(500);
    t.last().open();
    t.clock.advance(10_000);
    t.last().serverClose(1006);
    expect(t.status()).toMatchObject({ kind: "reconnecting", attempt: 1 });
  });

  test("when the client falls behind (4008) then it reconnects and resumes", () => {
    const t = setup();
    t.connection.want(["desk"]);
    t.last().open();
    t.last().deliver(env(7, "risk", ev.custom("cival.risk.alert", {})));
    t.last().serverClose(4008, "slow consumer");
    t.clock.advance(30_000);
    expect(t.last().since).toBe("7");
  });

  test.each([
    [4001, "session expired: sign in again", 1],
    [4400, "the server refused the subscription: bad topics", 0],
  ])("when the server closes with %i then the client does not reconnect", async (code, reason, checks) => {
    const t = setup();
    t.connection.want(["desk"]);
    t.last().open();
    t.last().serverClose(code, "bad topics");
    t.clock.advance(120_000);
    await flush();
    expect(t.sockets).toHaveLength(1);
    expect(t.status()).toEqual({ kind: "offline", reason });
    expect(t.authChecks()).toBe(checks);
  });

  test("when a socket is refused before it opens and the API refuses the token then the client stops", async () => {
    const t = setup({ auth: "unauthorized" });
    t.connection.want(["desk"]);
    t.last().serverClose(1006);
    await flush();
    expect(t.authChecks()).toBe(1);
    expect(t.status()).toEqual({ kind: "offline", reason: "the token was refused" });
    t.clock.advance(60_000);
    expect(t.sockets).toHaveLength(1);
  });

  test("when a socket is refused before it opens but the token is good then the client retries", async () => {
    const t = setup({ auth: "ok" });
    t.connection.want(["desk"]);
    t.last().serverClose(1006);
    await flush();
    expect(t.status()).toMatchObject({ kind: "reconnecting", reason: "cannot connect" });
    t.clock.advance(500);
    expect(t.sockets).toHaveLength(2);
  });

  test("when the socket goes silent past the timeout then the client hangs up and reconnects", () => {
    const t = setup();
    t.connection.want(["desk"]);
    t.last().open();
    t.clock.advance(40_000);
    t.last().raw("pong");
    t.clock.advance(49_999);
    expect(t.last().closedWith).toBeNull();
    t.clock.advance(1);
    expect(t.sockets[0]?.closedWith?.code).toBe(4101);
    expect(t.status()).toMatchObject({ kind: "reconnecting", reason: "the server went silent" });
  });

  test("when the browser goes offline while waiting then it waits without attempts and reconnects when back", () => {
    const t = setup();
    t.connection.want(["desk"]);
    t.last().open();
    t.last().serverClose(1006);
    t.connection.setOnline(false);
    expect(t.status()).toEqual({ kind: "offline", reason: "no network" });
    t.clock.advance(60_000);
    expect(t.sockets).toHaveLength(1);
    t.connection.setOnline(true);
    expect(t.sockets).toHaveLength(2);
  });
});

describe("sequence", () => {
  test("when a resume is answered from above since then every frame is applied in order", () => {
    const t = setup();
    t.connection.want(["desk"]);
    t.last().open();
    t.last().deliver(env(10, "risk", ev.custom("a", 1)));
    t.last().serverClose(1001);
    t.clock.advance(1_000);
    t.last().open();
    t.last().deliver(env(11, "risk", ev.custom("b", 2)), env(12, "risk", ev.custom("c", 3)));
    expect(t.applied.map((e) => e.seq)).toEqual([10, 11, 12]);
    expect(t.begins).toEqual(["fresh", "resume"]);
  });

  test("when a resume is answered with frames at or below since then the server started over and the client takes it as fresh", () => {
    const t = setup();
    t.connection.want(["desk"]);
    t.last().open();
    t.last().deliver(env(500, "risk", ev.custom("a", 1)));
    t.last().serverClose(1001);
    t.clock.advance(1_000);
    expect(t.last().since).toBe("500");
    t.last().open();
    t.last().deliver(...snapshotRun(3, "treasury", {}));
    expect(t.begins).toEqual(["fresh", "resume", "fresh"]);
    expect(t.connection.seq).toBe(3);
  });

  test("when a delta does not apply then the client hangs up and reconnects without since", () => {
    const t = setup({ applyOk: (e) => e.event.type !== "STATE_DELTA" });
    t.connection.want(["desk"]);
    t.last().open();
    t.last().deliver(...snapshotRun(3, "treasury", {}), env(4, "treasury", ev.delta([{ op: "replace", path: "/x", value: 1 }])));
    expect(t.sockets[0]?.closedWith?.code).toBe(4100);
    expect(t.interrupts()).toBe(1);
    t.clock.advance(1_000);
    expect(t.sockets).toHaveLength(2);
    expect(t.last().since).toBeNull();
  });

  test("when a frame is not an envelope then it is ignored and the socket stays", () => {
    const t = setup();
    t.connection.want(["desk"]);
    t.last().open();
    t.last().raw("{nope");
    t.last().raw(JSON.stringify({ seq: 1, thread: "x", at: 1, event: { type: "BOGUS" } }));
    expect(t.applied).toHaveLength(0);
    expect(t.last().closedWith).toBeNull();
  });
});

describe("ping and ack", () => {
  test("when the socket is open then it pings every 20 s", () => {
    const t = setup();
    t.connection.want(["desk"]);
    t.last().open();
    t.clock.advance(19_999);
    expect(t.last().sent).toEqual([]);
    t.clock.advance(1);
    t.last().raw("pong");
    t.clock.advance(20_000);
    expect(t.last().sent).toEqual(["ping", "ping"]);
  });

  test("when fewer than 200 events arrive then one ack follows 2 s after the first, naming the highest seq", () => {
    const t = setup();
    t.connection.want(["desk"]);
    t.last().open();
    t.last().deliver(env(1, "risk", ev.custom("a", 1)));
    t.clock.advance(1_500);
    t.last().deliver(env(2, "risk", ev.custom("b", 1)));
    expect(t.last().acks()).toEqual([]);
    t.clock.advance(500);
    expect(t.last().acks()).toEqual([2]);
    t.clock.advance(10_000);
    expect(t.last().acks()).toEqual([2]);
  });

  test("when 200 events arrive at once then the client acks at once", () => {
    const t = setup();
    t.connection.want(["desk"]);
    t.last().open();
    t.last().deliver(...Array.from({ length: 450 }, (_, i) => env(i + 1, "risk", ev.custom("tick", i))));
    expect(t.last().acks()).toEqual([200, 400]);
    t.clock.advance(2_000);
    expect(t.last().acks()).toEqual([200, 400, 450]);
  });

  test("when the client hangs up itself then it acks what it applied first", () => {
    const t = setup();
    t.connection.want(["treasury"]);
    t.last().open();
    t.last().deliver(env(9, "treasury", ev.custom("a", 1)));
    const first = t.last();
    t.connection.want(["risk"]);
    expect(first.acks()).toEqual([9]);
  });

  test("when signed out then the socket closes and the sequence is forgotten", () => {
    const t = setup();
    t.connection.want(["desk"]);
    t.last().open();
    t.last().deliver(env(9, "treasury", ev.custom("a", 1)));
    t.connection.stop();
    expect(t.last().closedWith?.code).toBe(1000);
    expect(t.status()).toEqual({ kind: "idle" });
    t.connection.want(["desk"]);
    expect(t.last().since).toBeNull();
  });
});
