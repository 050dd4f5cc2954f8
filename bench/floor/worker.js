// The floor of the live feed: a Durable Object that only fans frames out to hibernatable
// WebSockets. No storage writes, no auth, no per-socket work, one precomputed string per event.
//
//   GET  /ws                               WebSocket upgrade (hibernation API, ctx.acceptWebSocket)
//   POST /fire?events=N&seq=S[&batch=1]     sends N frames, seqs S+1..S+N, to every socket: one
//                                           WebSocket message per event, or with batch=1 one
//                                           message per socket carrying a JSON array of the N frames
//   GET  /health                           {"service":"floor","sockets":n}
//
// Each frame looks like the project's envelope, `{"seq":..,"thread":..,"event":{..},"at":..}`,
// about 300 bytes, `at` = the Durable Object's Date.now() when the fire request arrived (the same
// for every frame of one publish, as the project's hub stamps one `at` per publish).
import { DurableObject } from "cloudflare:workers";

const PAD = "x".repeat(100); // frames of ~300 bytes

function frameText(seq, at) {
  return `{"seq":${seq},"thread":"wallet:agent:floor-bench","event":{"type":"CUSTOM","name":"wallet.ledger","value":{"wallet":"agent:floor-bench","delta":"1.00","balance":"10000.00","note":"${PAD}"}},"at":${at}}`;
}

export class FloorHub extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/ws") {
      const pair = new WebSocketPair();
      this.ctx.acceptWebSocket(pair[1]);
      return new Response(null, { status: 101, webSocket: pair[0] });
    }
    if (url.pathname === "/fire") {
      const at = Date.now();
      const n = Number(url.searchParams.get("events") ?? "1");
      const seq0 = Number(url.searchParams.get("seq") ?? "0");
      const batch = url.searchParams.get("batch") === "1";
      const frames = [];
      for (let k = 1; k <= n; k++) frames.push(frameText(seq0 + k, at));
      const sockets = this.ctx.getWebSockets();
      let sent = 0;
      if (batch) {
        const message = `[${frames.join(",")}]`;
        for (const ws of sockets) {
          try {
            ws.send(message);
            sent++;
          } catch {
            // closing
          }
        }
      } else {
        // Event-major, socket-minor: the order of the project's EventHub.broadcast.
        for (const f of frames) {
          for (const ws of sockets) {
            try {
              ws.send(f);
              sent++;
            } catch {
              // closing
            }
          }
        }
      }
      return Response.json({ at, sockets: sockets.length, sent, bytes: frames[0]?.length ?? 0 });
    }
    if (url.pathname === "/health") return Response.json({ service: "floor", sockets: this.ctx.getWebSockets().length });
    return new Response("not found", { status: 404 });
  }

  // Acks from the client ("{"type":"ack",...}"): ignored, as cheaply as possible.
  webSocketMessage() {}

  webSocketClose(ws, code) {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "bye");
    } catch {
      // already closed
    }
  }

  webSocketError() {}
}

export default {
  fetch(request, env) {
    return env.HUB.get(env.HUB.idFromName("floor")).fetch(request);
  },
};
