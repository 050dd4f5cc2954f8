import { createEffect, createMemo, createSignal, For, on, Show } from "solid-js";
import type { CandleSourceInput } from "../../../../core/candles/source.ts";
import { createCommand } from "../../command.ts";
import { ErrorNote, Field, Panel } from "../../components.tsx";
import { type BacktestRequest, backtestsApi } from "./backtests-api.ts";
import { gridSize, type ParamField, paramFields, paramsFromForm, parseGrid, type Strategy } from "./model.ts";

const SYMBOLS = ["BTC-USD", "ETH-USD", "SOL-USD"] as const;
const INTERVALS = ["1m", "5m", "15m", "1h", "4h", "1d"] as const;
const VENUES = ["paper-binance", "paper-coinbase", "paper-kraken", "paper-hyperliquid"] as const;

/** An uploaded file, read in the browser and sent as text. */
interface Upload {
  readonly name: string;
  readonly format: "csv" | "json";
  readonly text: string;
}

/** One instrument's candles: the synthetic history's symbol, or a file. */
function InstrumentInputs(props: { n: 1 | 2; source: "synthetic" | "upload"; symbol: string; onSymbol: (s: string) => void; upload: Upload | null; onUpload: (u: Upload | null) => void }) {
  const suffix = props.n === 2 ? "2" : "";
  async function read(input: HTMLInputElement) {
    const file = input.files?.[0];
    if (!file) return props.onUpload(null);
    const text = await file.text();
    const format = file.name.toLowerCase().endsWith(".csv") || !/^\s*[[{]/.test(text) ? "csv" : "json";
    props.onUpload({ name: file.name, format, text });
  }
  return (
    <div class="bt-row">
      <Field label={props.n === 2 ? "Second symbol" : "Symbol"}>
        <select data-testid={`bt-symbol${suffix}`} value={props.symbol} onChange={(e) => props.onSymbol(e.currentTarget.value)}>
          <For each={SYMBOLS}>{(s) => <option value={s}>{s}</option>}</For>
        </select>
      </Field>
      <Show when={props.source === "upload"}>
        <Field label={props.n === 2 ? "Second file" : "File"} hint={props.upload ? `${props.upload.name} · ${props.upload.format} · ${props.upload.text.length.toLocaleString()} chars` : "CSV or JSON (freqtrade)"}>
          <input type="file" accept=".csv,.json,text/csv,application/json" data-testid={`bt-file${suffix}`} onChange={(e) => void read(e.currentTarget)} />
        </Field>
      </Show>
    </div>
  );
}

function ParamInput(props: { field: ParamField; value: string | boolean | undefined; onInput: (v: string | boolean) => void }) {
  const f = () => props.field;
  const bounds = () => [f().min !== undefined ? `≥ ${f().min}` : "", f().max !== undefined ? `≤ ${f().max}` : ""].filter(Boolean).join(", ");
  return (
    <Field label={f().name} hint={`${f().description}${bounds() ? ` (${bounds()})` : ""}`}>
      <Show
        when={f().kind === "boolean"}
        fallback={
          <Show
            when={f().kind === "enum"}
            fallback={<input type="number" data-testid={`bt-param-${f().name}`} min={f().min} max={f().max} step={f().kind === "integer" ? 1 : "any"} value={String(props.value ?? f().defaultValue)} onInput={(e) => props.onInput(e.currentTarget.value)} />}
          >
            <select data-testid={`bt-param-${f().name}`} value={String(props.value ?? f().defaultValue)} onChange={(e) => props.onInput(e.currentTarget.value)}>
              <For each={f().options ?? []}>{(o) => <option value={o}>{o}</option>}</For>
            </select>
          </Show>
        }
      >
        <input type="checkbox" data-testid={`bt-param-${f().name}`} checked={Boolean(props.value ?? f().defaultValue)} onChange={(e) => props.onInput(e.currentTarget.checked)} />
      </Show>
    </Field>
  );
}

/**
 * The run form: a strategy and its parameters (from the API's JSON Schema, defaults and bounds),
 * the candles (synthetic history or files), optional walk-forward grid. Runs and hands back the id.
 */
export function BacktestForm(props: { strategies: readonly Strategy[]; canRun: boolean; onDone: (id: string) => void }) {
  const [strategyId, setStrategyId] = createSignal<string>(props.strategies[0]?.id ?? "momentum");
  const strategy = createMemo(() => props.strategies.find((s) => s.id === strategyId()));
  const fields = createMemo(() => (strategy() ? paramFields(strategy() as Strategy) : []));
  const [values, setValues] = createSignal<Record<string, string | boolean>>({});
  const [source, setSource] = createSignal<"synthetic" | "upload">("synthetic");
  const [symbol, setSymbol] = createSignal("BTC-USD");
  const [symbol2, setSymbol2] = createSignal("ETH-USD");
  const [intervalKey, setIntervalKey] = createSignal("1h");
  const [bars, setBars] = createSignal("2000");
  const [venue, setVenue] = createSignal("paper-binance");
  const [venue2, setVenue2] = createSignal("paper-kraken");
  const [cash, setCash] = createSignal("10000");
  const [upload, setUpload] = createSignal<Upload | null>(null);
  const [upload2, setUpload2] = createSignal<Upload | null>(null);
  const [wfOn, setWfOn] = createSignal(false);
  const [grid, setGrid] = createSignal("");
  const [inSample, setInSample] = createSignal("500");
  const [outSample, setOutSample] = createSignal("250");
  const [objective, setObjective] = createSignal<"sharpe" | "totalReturn">("sharpe");
  const [formError, setFormError] = createSignal<string | null>(null);
  const two = () => (strategy()?.instruments ?? 1) === 2;
  const arbitrage = () => strategyId() === "arbitrage";
  const run = createCommand((body: BacktestRequest, key: string) => backtestsApi.run(body, key));

  createEffect(on(strategyId, () => {
    setValues({});
    setSymbol2(arbitrage() ? symbol() : "ETH-USD");
    const first = fields()[0];
    setGrid(first && first.kind !== "boolean" && first.kind !== "enum" ? `${first.name}=${first.defaultValue}` : "");
  }));

  function candles(n: 1 | 2): CandleSourceInput | string {
    const sym = n === 1 ? symbol() : symbol2();
    if (source() === "synthetic") return { source: "synthetic", symbol: sym, interval: intervalKey() as (typeof INTERVALS)[number], bars: Number(bars()), ...(n === 2 && arbitrage() ? { venueId: venue2() } : {}) };
    const u = n === 1 ? upload() : upload2();
    if (!u) return `choose the ${n === 2 ? "second " : ""}candle file`;
    return { source: "upload", format: u.format, symbol: sym, data: u.text };
  }

  function request(): BacktestRequest | string {
    const p = paramsFromForm(fields(), values());
    if ("error" in p) return p.error;
    const c1 = candles(1);
    if (typeof c1 === "string") return c1;
    const c2 = two() ? candles(2) : undefined;
    if (typeof c2 === "string") return c2;
    let walkForward: BacktestRequest["walkForward"];
    if (wfOn()) {
      const g = parseGrid(grid());
      if ("error" in g) return g.error;
      if (gridSize(g.grid) > 64) return `the grid has ${gridSize(g.grid)} points; at most 64`;
      walkForward = { grid: g.grid, inSampleBars: Number(inSample()), outOfSampleBars: Number(outSample()), objective: objective() };
    }
    return { strategy: strategyId(), params: p.params, venueId: venue(), ...(arbitrage() ? { venues: [venue(), venue2()] } : {}), initialCash: cash(), candles: c1, ...(c2 ? { candles2: c2 } : {}), ...(walkForward ? { walkForward } : {}) };
  }

  async function submit(e: Event) {
    e.preventDefault();
    const body = request();
    setFormError(typeof body === "string" ? body : null);
    if (typeof body === "string") return;
    const out = await run.submit(body);
    if (out) props.onDone(out.id);
  }

  return (
    <Panel title="Run a backtest" testid="bt-form">
      <form class="form" onSubmit={(e) => void submit(e)}>
        <Field label="Strategy" hint={strategy()?.description}>
          <select data-testid="bt-strategy" value={strategyId()} onChange={(e) => setStrategyId(e.currentTarget.value)}>
            <For each={props.strategies}>{(s) => <option value={s.id}>{s.name}</option>}</For>
          </select>
        </Field>
        <div class="bt-params">
          <For each={fields()}>{(f) => <ParamInput field={f} value={values()[f.name]} onInput={(v) => setValues({ ...values(), [f.name]: v })} />}</For>
        </div>
        <div class="subhead">Candles</div>
        <div class="segmented" role="group">
          <button type="button" classList={{ on: source() === "synthetic" }} data-testid="bt-source-synthetic" onClick={() => setSource("synthetic")}>
            Synthetic history
          </button>
          <button type="button" classList={{ on: source() === "upload" }} data-testid="bt-source-upload" onClick={() => setSource("upload")}>
            Upload CSV / JSON
          </button>
        </div>
        <InstrumentInputs n={1} source={source()} symbol={symbol()} onSymbol={setSymbol} upload={upload()} onUpload={setUpload} />
        <Show when={two()}>
          <InstrumentInputs n={2} source={source()} symbol={symbol2()} onSymbol={setSymbol2} upload={upload2()} onUpload={setUpload2} />
        </Show>
        <Show when={source() === "synthetic"}>
          <div class="bt-row">
            <Field label="Interval">
              <select data-testid="bt-interval" value={intervalKey()} onChange={(e) => setIntervalKey(e.currentTarget.value)}>
                <For each={INTERVALS}>{(i) => <option value={i}>{i}</option>}</For>
              </select>
            </Field>
            <Field label="Bars" hint="10 to 100,000">
              <input type="number" data-testid="bt-bars" min={10} max={100000} value={bars()} onInput={(e) => setBars(e.currentTarget.value)} />
            </Field>
          </div>
        </Show>
        <div class="bt-row">
          <Field label={arbitrage() ? "Venue 1" : "Venue (fees, tick)"}>
            <select data-testid="bt-venue" value={venue()} onChange={(e) => setVenue(e.currentTarget.value)}>
              <For each={VENUES}>{(v) => <option value={v}>{v}</option>}</For>
            </select>
          </Field>
          <Show when={arbitrage()}>
            <Field label="Venue 2">
              <select data-testid="bt-venue2" value={venue2()} onChange={(e) => setVenue2(e.currentTarget.value)}>
                <For each={VENUES}>{(v) => <option value={v}>{v}</option>}</For>
              </select>
            </Field>
          </Show>
          <Field label="Initial cash (USD)">
            <input type="text" inputmode="decimal" data-testid="bt-cash" value={cash()} onInput={(e) => setCash(e.currentTarget.value)} />
          </Field>
        </div>
        <label class="bt-check">
          <input type="checkbox" data-testid="bt-wf" checked={wfOn()} onChange={(e) => setWfOn(e.currentTarget.checked)} /> Walk-forward: re-tune on a rolling window
        </label>
        <Show when={wfOn()}>
          <Field label="Grid" hint="name=v1,v2; name2=… (at most 64 points)">
            <input type="text" data-testid="bt-grid" value={grid()} onInput={(e) => setGrid(e.currentTarget.value)} />
          </Field>
          <div class="bt-row">
            <Field label="In-sample bars">
              <input type="number" data-testid="bt-is" value={inSample()} onInput={(e) => setInSample(e.currentTarget.value)} />
            </Field>
            <Field label="Out-of-sample bars">
              <input type="number" data-testid="bt-oos" value={outSample()} onInput={(e) => setOutSample(e.currentTarget.value)} />
            </Field>
            <Field label="Objective">
              <select data-testid="bt-objective" value={objective()} onChange={(e) => setObjective(e.currentTarget.value as "sharpe" | "totalReturn")}>
                <option value="sharpe">Sharpe</option>
                <option value="totalReturn">Total return</option>
              </select>
            </Field>
          </div>
        </Show>
        <ErrorNote error={formError() ?? run.error()} testid="bt-error" />
        <div class="button-row">
          <button class="primary" type="submit" data-testid="bt-run" disabled={!props.canRun || run.busy()} title={props.canRun ? undefined : "running a backtest needs the trader role"}>
            {run.busy() ? "Running…" : "Run backtest"}
          </button>
        </div>
      </form>
    </Panel>
  );
}
