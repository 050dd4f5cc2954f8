import type { RiskNotice } from "../core/risk/monitor/index.js";
import { hubStub } from "./stubs.js";

/** The notice queue's table. */
export const NOTICE_SCHEMA: readonly string[] = [`CREATE TABLE IF NOT EXISTS notice_queue (id INTEGER PRIMARY KEY AUTOINCREMENT, topics TEXT NOT NULL, events TEXT NOT NULL)`];

/** The hub tells publishers apart by source: notices number their own batches (the queue's row ids). */
const SOURCE = "risk:notices";

/**
 * Runs of the `risk` thread that also go to other topics (a denial reaches the agent and its farm).
 * The Outbox publishes every queued run with the owner's one list of topics, so these queue here:
 * written with the answer (one SQLite insert, no await), published after it, retried by the alarm.
 */
export class NoticeQueue {
  #draining: Promise<void> | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
  ) {}

  enqueue(notice: RiskNotice): void {
    this.sql.exec(`INSERT INTO notice_queue (topics, events) VALUES (?, ?)`, JSON.stringify(notice.topics), JSON.stringify(notice.events));
  }

  pending(): number {
    return this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM notice_queue`).one().n;
  }

  /** Publishes queued notices in order, one run per publish (each has its own topics); a failure leaves the rest queued. */
  drain(): Promise<void> {
    if (this.#draining) return this.#draining;
    const work = async () => {
      try {
        for (;;) {
          const row = this.sql.exec<{ id: number; topics: string; events: string }>(`SELECT id, topics, events FROM notice_queue ORDER BY id LIMIT 1`).toArray()[0];
          if (!row) break;
          const result = await hubStub(this.env).publish({ source: SOURCE, batch: row.id, thread: "risk", topics: JSON.parse(row.topics) as string[], events: JSON.parse(row.events) as RiskNotice["events"] });
          if (!result.ok) console.error(`cival: the hub refused a risk notice: ${result.message}`);
          this.sql.exec(`DELETE FROM notice_queue WHERE id = ?`, row.id);
        }
      } catch (err) {
        console.warn("cival: publishing risk notices failed, will retry", err);
      }
    };
    const draining = work().finally(() => {
      this.#draining = null;
    });
    this.#draining = draining;
    return draining;
  }
}
