// One socket-holding process of the floor experiment (bench/floor/run.mjs forks it over IPC).
// A copy of bench/events-client.mjs (same raw RFC 6455 client, same per-frame work: seq and at
// read from the frame text, 1 ms histogram, per-seq first/last receive, acks every 200 frames or
// 2 s, "ping" every 20 s), so the client costs what it costs in the project bench. Differences:
// only the raw transport; no connect snapshot (the floor hub sends none): the runner tells each
// socket the seq to start from; a message that is a JSON array (the batched variant) is one
// receive of several frames, read with JSON.parse.
import { randomBytes } from "node:crypto";
import { connect as tcpConnect } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";

const ACK_EVERY_FRAMES = 200;
const ACK_AFTER_MS = 2_000;
const PING_INTERVAL_MS = 20_000;
const CONNECT_CONCURRENCY = 20;
const HIST_BINS = 60_001; // 0..60 s in 1 ms bins; the last bin holds anything slower
const SEQ_CAPACITY = 1 << 20;

const send = (msg) => process.send?.(msg);

let sockets = [];
let closing = false;

// Per-socket state, in typed arrays.
let maxSeq, firstSeq, liveFrames, gaps, missing, regressions, unacked, lastFrameMs, closeCode, opened, windowFrames;
// Window state.
let measuring = false;
let hist = new Uint32Array(HIST_BINS);
let latMax = 0;
let latCount = 0;
let negative = 0;
let windowStartMs = 0;
let windowEndMs = 0;
let cpuAtStart = null;
let cpuWindow = null;
const eld = monitorEventLoopDelay({ resolution: 10 });
let eldWindow = null;
// Per seq (relative to seqBase), within the window: first/last receive time here, `at`, count.
let seqBase = -1;
let firstRecv, lastRecv, atOf, recvCount;
let windowSeqMin = Infinity;
let windowSeqMax = -Infinity;
let parseChecks = 0;
let parseMismatches = 0;
let fallbacks = 0;
let closedEarly = 0;
let errors = 0;

function alloc(n) {
  maxSeq = new Float64Array(n).fill(-1);
  firstSeq = new Float64Array(n).fill(-1);
  liveFrames = new Float64Array(n);
  windowFrames = new Float64Array(n);
  gaps = new Uint32Array(n);
  missing = new Float64Array(n);
  regressions = new Uint32Array(n);
  unacked = new Uint32Array(n);
  lastFrameMs = new Float64Array(n);
  closeCode = new Int32Array(n);
  opened = new Uint8Array(n);
}

/** seq and at from `{"seq":N,"thread":...,"at":N}` without parsing the event; null if the frame looks otherwise. */
function readSeqAt(text) {
  if (!text.startsWith('{"seq":')) return null;
  const comma = text.indexOf(",", 7);
  const atKey = text.lastIndexOf(',"at":');
  if (comma < 0 || atKey < 0 || text.charCodeAt(text.length - 1) !== 125) return null;
  const seq = Number(text.slice(7, comma));
  const at = Number(text.slice(atKey + 6, text.length - 1));
  if (!Number.isFinite(seq) || !Number.isFinite(at)) return null;
  return [seq, at];
}

function ack(i) {
  if (unacked[i] === 0 || maxSeq[i] < 0) return;
  try {
    sockets[i].send(`{"type":"ack","seq":${maxSeq[i]}}`);
  } catch {
    // closing
  }
  unacked[i] = 0;
}

function onFrame(i, data) {
  const now = Date.now();
  if (typeof data !== "string") return;
  const fast = readSeqAt(data);
  if (fast) {
    if ((++parseChecks & 4095) === 0) {
      const o = JSON.parse(data);
      if (o.seq !== fast[0] || o.at !== fast[1]) parseMismatches++;
    }
    record(i, fast[0], fast[1], now);
    return;
  }
  if (data === "pong") return;
  fallbacks++;
  let o;
  try {
    o = JSON.parse(data);
  } catch {
    return;
  }
  // A message may carry several frames, as a JSON array (for trying a batching hub with --src).
  for (const f of Array.isArray(o) ? o : [o]) if (typeof f?.seq === "number" && typeof f?.at === "number") record(i, f.seq, f.at, now);
}

function record(i, seq, at, now) {
  lastFrameMs[i] = now;
  if (seq > maxSeq[i]) {
    if (seq !== maxSeq[i] + 1) {
      gaps[i]++;
      missing[i] += seq - maxSeq[i] - 1;
    }
    maxSeq[i] = seq;
    liveFrames[i]++;
  } else if (liveFrames[i] > 0) {
    // After the first live frame, a seq that does not go up is a duplicate or out of order.
    regressions[i]++;
  }
  if (++unacked[i] >= ACK_EVERY_FRAMES) ack(i);

  if (measuring && seq > firstSeq[i]) {
    windowFrames[i]++;
    let lat = now - at;
    if (lat < 0) {
      negative++;
      lat = 0;
    }
    hist[lat < HIST_BINS - 1 ? lat : HIST_BINS - 1]++;
    if (lat > latMax) latMax = lat;
    latCount++;
    const k = seq - seqBase;
    if (k >= 0 && k < SEQ_CAPACITY) {
      if (recvCount[k] === 0) {
        firstRecv[k] = now;
        atOf[k] = at;
      }
      lastRecv[k] = now;
      recvCount[k]++;
    }
    if (seq < windowSeqMin) windowSeqMin = seq;
    if (seq > windowSeqMax) windowSeqMax = seq;
  }
}

/**
 * A minimal RFC 6455 client on a TCP socket, for measuring with less client CPU than the global
 * WebSocket: no extensions offered (so no permessage-deflate), text frames only. Same surface
 * as the bits of WebSocket used here: send, close, readyState, onopen/onmessage/onclose/onerror.
 */
class RawSocket {
  constructor(url, protocols) {
    const u = new URL(url);
    this.readyState = 0;
    this.onopen = this.onmessage = this.onclose = this.onerror = null;
    this.closeListeners = [];
    this.buf = null;
    this.fragments = null;
    this.closeCode = 0;
    this.sock = tcpConnect({ host: u.hostname, port: Number(u.port), noDelay: true });
    const key = randomBytes(16).toString("base64");
    this.sock.on("connect", () => {
      this.sock.write(
        `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${protocols.length ? `Sec-WebSocket-Protocol: ${protocols.join(", ")}\r\n` : ""}\r\n`,
      );
    });
    this.sock.on("data", (chunk) => this.onData(chunk));
    this.sock.on("error", () => this.onerror?.({}));
    this.sock.on("close", () => this.finish(this.closeCode || 1006));
  }

  addEventListener(type, fn) {
    if (type === "close") this.closeListeners.push(fn);
  }

  finish(code) {
    if (this.readyState === 3) return;
    this.readyState = 3;
    const ev = { code };
    this.onclose?.(ev);
    for (const fn of this.closeListeners) fn(ev);
  }

  onData(chunk) {
    this.buf = this.buf ? Buffer.concat([this.buf, chunk]) : chunk;
    if (this.readyState === 0) {
      const end = this.buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = this.buf.subarray(0, end).toString("latin1");
      this.buf = this.buf.subarray(end + 4);
      if (!/^HTTP\/1\.1 101/.test(head)) {
        this.sock.destroy();
        return;
      }
      this.readyState = 1;
      this.onopen?.({});
    }
    let buf = this.buf;
    let off = 0;
    while (buf.length - off >= 2) {
      const b0 = buf[off];
      let len = buf[off + 1] & 0x7f;
      let p = off + 2;
      if (len === 126) {
        if (buf.length - off < 4) break;
        len = buf.readUInt16BE(off + 2);
        p = off + 4;
      } else if (len === 127) {
        if (buf.length - off < 10) break;
        len = Number(buf.readBigUInt64BE(off + 2));
        p = off + 10;
      }
      if (buf.length - p < len) break;
      const payload = buf.subarray(p, p + len);
      off = p + len;
      const opcode = b0 & 0x0f;
      const fin = (b0 & 0x80) !== 0;
      if (opcode === 1 || opcode === 0) {
        if (!fin) (this.fragments ??= []).push(Buffer.from(payload));
        else if (this.fragments) {
          this.fragments.push(payload);
          const whole = Buffer.concat(this.fragments);
          this.fragments = null;
          this.onmessage?.({ data: whole.toString("utf8") });
        } else this.onmessage?.({ data: payload.toString("utf8") });
      } else if (opcode === 8) {
        this.closeCode = len >= 2 ? payload.readUInt16BE(0) : 1005;
        if (this.readyState === 1) this.writeFrame(8, payload.subarray(0, 2));
        this.readyState = 2;
        this.sock.end();
      } else if (opcode === 9) {
        this.writeFrame(10, payload);
      }
    }
    this.buf = off === buf.length ? null : buf.subarray(off);
  }

  writeFrame(opcode, payload) {
    const len = payload.length;
    const head = len < 126 ? 2 : 4;
    const frame = Buffer.allocUnsafe(head + 4 + len);
    frame[0] = 0x80 | opcode;
    if (len < 126) frame[1] = 0x80 | len;
    else {
      frame[1] = 0x80 | 126;
      frame.writeUInt16BE(len, 2);
    }
    const mask = randomBytes(4);
    mask.copy(frame, head);
    for (let k = 0; k < len; k++) frame[head + 4 + k] = payload[k] ^ mask[k & 3];
    this.sock.write(frame);
  }

  send(text) {
    if (this.readyState !== 1) throw new Error("not open");
    this.writeFrame(1, Buffer.from(text, "utf8"));
  }

  close(code = 1000) {
    if (this.readyState !== 1) return;
    const p = Buffer.alloc(2);
    p.writeUInt16BE(code, 0);
    this.writeFrame(8, p);
    this.readyState = 2;
    setTimeout(() => this.sock.destroy(), 2_000).unref();
  }
}

function openOne(i, url, protocols) {
  return new Promise((resolve) => {
    const ws = new RawSocket(url, protocols);
    sockets[i] = ws;
    let settled = false;
    ws.onopen = () => {
      opened[i] = 1;
      settled = true;
      resolve(true);
    };
    ws.onmessage = (ev) => onFrame(i, ev.data);
    ws.onerror = () => {
      errors++;
    };
    ws.onclose = (ev) => {
      closeCode[i] = ev.code || -1;
      if (!closing) closedEarly++;
      if (!settled) {
        settled = true;
        resolve(false);
      }
    };
  });
}

async function connect({ url, protocols, count, baseSeq }) {
  alloc(count);
  firstSeq.fill(baseSeq);
  maxSeq.fill(baseSeq);
  sockets = new Array(count);
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      if (!(await openOne(i, url, protocols))) failed++;
    }
  };
  const t0 = Date.now();
  await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, count) }, worker));
  const connectMs = Date.now() - t0;
  send({ type: "connected", open: count - failed, failed, connectMs, errors });
}

// Timers shared by all sockets: late acks (2 s after the last unacked frame) and pings.
setInterval(() => {
  const now = Date.now();
  for (let i = 0; i < sockets.length; i++) if (unacked[i] > 0 && now - lastFrameMs[i] >= ACK_AFTER_MS) ack(i);
}, 250).unref();
setInterval(() => {
  for (const ws of sockets) {
    try {
      if (ws?.readyState === 1) ws.send("ping");
    } catch {
      // closing
    }
  }
}, PING_INTERVAL_MS).unref();

function startWindow() {
  seqBase = -1;
  for (let i = 0; i < sockets.length; i++) if (maxSeq[i] > seqBase) seqBase = maxSeq[i];
  seqBase += 1;
  firstRecv = new Float64Array(SEQ_CAPACITY);
  lastRecv = new Float64Array(SEQ_CAPACITY);
  atOf = new Float64Array(SEQ_CAPACITY);
  recvCount = new Uint32Array(SEQ_CAPACITY);
  hist = new Uint32Array(HIST_BINS);
  latMax = 0;
  latCount = 0;
  negative = 0;
  windowFrames.fill(0);
  windowSeqMin = Infinity;
  windowSeqMax = -Infinity;
  cpuAtStart = process.cpuUsage();
  eld.reset();
  eld.enable();
  windowStartMs = Date.now();
  measuring = true;
}

function stopWindow() {
  measuring = false;
  windowEndMs = Date.now();
  const cpu = process.cpuUsage(cpuAtStart);
  cpuWindow = { userMs: cpu.user / 1000, systemMs: cpu.system / 1000 };
  eld.disable();
  eldWindow = { p50Ms: eld.percentile(50) / 1e6, p99Ms: eld.percentile(99) / 1e6, maxMs: eld.max / 1e6 };
}

function report() {
  // Histogram as [bin, count] pairs; per-seq data as flat arrays over the window's seq range.
  const histPairs = [];
  for (let b = 0; b < HIST_BINS; b++) if (hist[b] > 0) histPairs.push(b, hist[b]);
  const seqs = [];
  if (windowSeqMax >= windowSeqMin) {
    for (let s = windowSeqMin; s <= windowSeqMax; s++) {
      const k = s - seqBase;
      if (k < 0 || k >= SEQ_CAPACITY || recvCount[k] === 0) continue;
      seqs.push(s, atOf[k], firstRecv[k], lastRecv[k], recvCount[k]);
    }
  }
  const n = sockets.length;
  send({
    type: "report",
    sockets: n,
    windowStartMs,
    windowEndMs,
    latCount,
    latMax,
    negative,
    histPairs,
    seqs,
    perSocket: {
      firstSeq: Array.from(firstSeq),
      maxSeq: Array.from(maxSeq),
      liveFrames: Array.from(liveFrames),
      windowFrames: Array.from(windowFrames),
      gaps: Array.from(gaps),
      missing: Array.from(missing),
      regressions: Array.from(regressions),
      closeCode: Array.from(closeCode),
    },
    closedEarly,
    errors,
    parseChecks,
    parseMismatches,
    fallbacks,
    cpu: cpuWindow,
    eventLoopDelay: eldWindow,
  });
}

async function closeAll() {
  closing = true;
  for (let i = 0; i < sockets.length; i++) ack(i);
  const waits = sockets.map(
    (ws) =>
      new Promise((resolve) => {
        if (!ws || ws.readyState === 3) return resolve();
        ws.addEventListener("close", () => resolve());
        try {
          ws.close(1000, "bench done");
        } catch {
          resolve();
        }
      }),
  );
  await Promise.race([Promise.all(waits), new Promise((r) => setTimeout(r, 5_000))]);
  send({ type: "closed" });
  process.exit(0);
}

process.on("message", (msg) => {
  if (msg.cmd === "connect") void connect(msg);
  else if (msg.cmd === "start") startWindow();
  else if (msg.cmd === "stop") stopWindow();
  else if (msg.cmd === "report") report();
  else if (msg.cmd === "close") void closeAll();
});
process.on("disconnect", () => process.exit(0));
