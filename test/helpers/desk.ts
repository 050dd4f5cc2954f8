import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { Decimal, dec, str } from "../../core/money.js";
import type { WalletRecord } from "../../core/wallets.js";
import { treasuryStub, walletStub } from "../../durable-objects/stubs.js";
import type { FaultPoint } from "../../core/messages.js";
import type { WalletActor } from "../../durable-objects/wallet-actor.js";

export const directory = (): Promise<WalletRecord[]> => treasuryStub(env).directory();

export interface DeskSnapshot {
  /** Cash per wallet. */
  readonly cash: Record<string, string>;
  /** Money debited from a sender and not yet credited by its receiver. */
  readonly inTransit: string;
  /** Everything: cash of every wallet plus what is in transit. */
  readonly total: string;
  readonly pending: number;
}

async function readSnapshot(): Promise<DeskSnapshot> {
  const wallets = await directory();
  const views = await Promise.all(wallets.map((w) => walletStub(env, w.id).inspect()));
  const cash: Record<string, string> = {};
  let total = new Decimal(0);
  const outgoing = views.flatMap((v) => v.pending);
  wallets.forEach((w, i) => {
    cash[w.id] = views[i]?.cash ?? "0";
    total = total.plus(dec(cash[w.id] ?? "0"));
  });
  const received = await Promise.all(outgoing.map((t) => walletStub(env, t.to).hasReceived(t.id)));
  let inTransit = new Decimal(0);
  outgoing.forEach((t, i) => {
    if (!received[i]) inTransit = inTransit.plus(dec(t.amount));
  });
  return { cash, inTransit: str(inTransit), total: str(total.plus(inTransit)), pending: outgoing.length };
}

/**
 * A consistent picture of the desk's money: read until two reads agree, so that a delivery an
 * alarm makes between two reads cannot make money seem to appear or vanish.
 */
export async function deskSnapshot(): Promise<DeskSnapshot> {
  let previous = await readSnapshot();
  for (let i = 0; i < 10; i++) {
    const next = await readSnapshot();
    if (JSON.stringify(next) === JSON.stringify(previous)) return next;
    previous = next;
  }
  throw new Error("the desk did not hold still for two reads in a row");
}

/**
 * Asserts the money invariants: conservation to the last decimal, no negative cash. One read is
 * enough when it holds; a failing read is confirmed on a picture that holds still (an alarm may
 * have delivered something between two of the reads).
 */
export async function assertInvariants(expectedTotal: string): Promise<DeskSnapshot> {
  let snap = await readSnapshot();
  const holds = (s: DeskSnapshot) => s.total === expectedTotal && Object.values(s.cash).every((c) => dec(c).gte(0));
  if (!holds(snap)) snap = await deskSnapshot();
  expect(snap.total, `desk total (cash + in transit) ${JSON.stringify(snap)}`).toBe(expectedTotal);
  for (const [id, cash] of Object.entries(snap.cash)) expect(dec(cash).gte(0), `${id} cash ${cash}`).toBe(true);
  return snap;
}

export async function assertJournalsAgree(): Promise<void> {
  for (const w of await directory()) {
    const audit = await walletStub(env, w.id).audit();
    expect(audit.cached, `${w.id} cached balances vs journal`).toEqual(audit.journal);
    for (const [key, amount] of Object.entries(audit.cached)) {
      if (key.startsWith("cash|") || key.startsWith("transit|")) expect(dec(amount).gte(0), `${w.id} ${key} ${amount}`).toBe(true);
    }
  }
}

/** Runs the alarms of every wallet with pending transfers (twice: alarms are at-least-once) until nothing is pending. */
export async function settle(maxRounds = 20): Promise<void> {
  for (let round = 0; round < maxRounds; round++) {
    const wallets = await directory();
    const views = await Promise.all(wallets.map((w) => walletStub(env, w.id).inspect()));
    const busy = wallets.filter((_, i) => (views[i]?.pending.length ?? 0) > 0);
    if (busy.length === 0) return;
    for (const w of busy) {
      const stub = walletStub(env, w.id);
      await runDurableObjectAlarm(stub);
      await runDurableObjectAlarm(stub);
      // Deliveries that failed are due after a backoff: retry them now rather than sleep.
      await stub.retryPending();
    }
  }
  throw new Error("transfers still pending after settling");
}

/**
 * Makes a wallet fail at `point` the next `times` times the protocol passes it (Infinity: until
 * `clearFault`, so that a retry by the wallet's own alarm cannot settle the transfer before the
 * test has looked at it).
 */
export async function injectFault(walletId: string, point: FaultPoint, times = 1): Promise<void> {
  await runInDurableObject(walletStub(env, walletId) as unknown as DurableObjectStub<WalletActor>, (instance: WalletActor) => {
    let fired = 0;
    instance.faultHook = (p) => {
      if (p === point && fired < times) {
        fired++;
        throw new Error(`injected fault at ${point}`);
      }
    };
  });
}

export async function clearFault(walletId: string): Promise<void> {
  await runInDurableObject(walletStub(env, walletId) as unknown as DurableObjectStub<WalletActor>, (instance: WalletActor) => {
    instance.faultHook = null;
  });
}
