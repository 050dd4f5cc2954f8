// Samples the Worker's V8 isolate (wrangler dev's runtime workerd) over the inspector protocol,
// for `node bench/events.mjs --profile`: which JavaScript the fan-out spends its time in.
// "(program)" is time the thread spent outside JavaScript (workerd's own C++: socket writes,
// the WebSocket pumps, storage), "(idle)" is time it waited.

/** `inspectorUrl`: wrangler's inspector proxy (ws://127.0.0.1:<--inspector-port>/ws); it wants an Origin. */
export async function startProfile(inspectorUrl, samplingIntervalUs = 200) {
  const ws = new WebSocket(inspectorUrl, { headers: { Origin: "http://localhost" } });
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error(`inspector ${inspectorUrl}: could not connect`));
  });
  let id = 0;
  const pending = new Map();
  ws.onmessage = (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.id && pending.has(msg.id)) {
      const { resolve, reject } = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) reject(new Error(msg.error.message));
      else resolve(msg.result);
    }
  };
  const call = (method, params = {}, timeoutMs = 10_000) =>
    new Promise((resolve, reject) => {
      const n = ++id;
      const timer = setTimeout(() => {
        pending.delete(n);
        reject(new Error(`inspector: no answer to ${method}`));
      }, timeoutMs);
      pending.set(n, {
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      ws.send(JSON.stringify({ id: n, method, params }));
    });
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: samplingIntervalUs });
  await call("Profiler.start");
  return {
    async stop() {
      const { profile } = await call("Profiler.stop", {}, 30_000);
      await call("Profiler.disable").catch(() => {});
      ws.close();
      return profile;
    },
  };
}

/** Self time per function (name, file:line), in ms and %, biggest first. */
export function topSelf(profile, limit = 15) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const dt = (deltas[i + 1] ?? 0) / 1000;
    total += dt;
    const f = node.callFrame;
    const file = f.url ? f.url.split("/").slice(-2).join("/") : "";
    const key = `${f.functionName || "(anonymous)"}${file ? ` ${file}:${f.lineNumber + 1}` : ""}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  }
  return {
    totalMs: Math.round(total),
    top: [...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([fn, ms]) => ({ fn, ms: Math.round(ms), pct: Math.round((ms / total) * 1000) / 10 })),
  };
}
