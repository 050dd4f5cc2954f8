import { Show, type JSX } from "solid-js";
import type { ApiError } from "./api.ts";
import { type AmountParts, amountParts, moneyParts } from "./format.ts";

/**
 * A money amount of `asset` at its scale (format.ts's moneyParts), in tabular monospace; the raw
 * string rides along in data-amount and the title. `unit` shows the asset after the figure.
 */
export function Amount(props: { value: string | undefined; asset: string; testid?: string; muted?: boolean; unit?: boolean }) {
  return (
    <Figure
      value={props.value}
      parts={moneyParts(props.value ?? "0", props.asset)}
      asset={props.asset}
      testid={props.testid}
      muted={props.muted}
      unit={props.unit ? props.asset : undefined}
    />
  );
}

/** A price (or a size) in tabular monospace, exact: prices keep every digit of their tick, whatever the quote's scale. */
export function Price(props: { value: string | undefined; testid?: string; muted?: boolean }) {
  return <Figure value={props.value} parts={amountParts(props.value ?? "0")} testid={props.testid} muted={props.muted} />;
}

function Figure(props: { value: string | undefined; parts: AmountParts | null; asset?: string; testid?: string; muted?: boolean; unit?: string }) {
  return (
    <span
      class="amount"
      classList={{ muted: props.muted === true }}
      data-testid={props.testid}
      data-amount={props.value ?? "0"}
      data-asset={props.asset}
      title={props.value ? `${props.value}${props.asset ? ` ${props.asset}` : ""}` : undefined}
    >
      <Show when={props.parts} fallback={props.value}>
        {(p) => (
          <>
            {p().sign}
            {p().whole}
            <Show when={p().cents || p().rest}>
              <span class="cents">.{p().cents}</span>
            </Show>
            <Show when={p().rest}>
              <span class="rest">{p().rest}</span>
            </Show>
          </>
        )}
      </Show>
      <Show when={props.unit}>
        <span class="unit"> {props.unit}</span>
      </Show>
    </span>
  );
}

/** The API's own message (and code) beneath a form. */
export function ErrorNote(props: { error: ApiError | string | null; testid?: string }) {
  const text = () => (typeof props.error === "string" ? props.error : props.error?.message);
  const code = () => (props.error && typeof props.error !== "string" ? props.error.code : null);
  return (
    <Show when={props.error}>
      <div class="note error" role="alert" data-testid={props.testid}>
        <Show when={code()}>
          <span class="code">{code()}</span>
        </Show>
        {text()}
      </div>
    </Show>
  );
}

export function SuccessNote(props: { children: JSX.Element; testid?: string }) {
  return (
    <div class="note ok" role="status" data-testid={props.testid}>
      {props.children}
    </div>
  );
}

/** A labelled form row; the hint sits outside the <label> so clicking the label focuses the input. */
export function Field(props: {
  label: string;
  hint?: JSX.Element;
  error?: string | null;
  errorTestid?: string;
  children: JSX.Element;
}) {
  return (
    <div class="field" classList={{ invalid: !!props.error }}>
      <label class="field-control">
        <span class="field-label">{props.label}</span>
        {props.children}
      </label>
      <Show when={props.hint}>
        <span class="field-hint">{props.hint}</span>
      </Show>
      <Show when={props.error}>
        <span class="field-error" data-testid={props.errorTestid}>
          {props.error}
        </span>
      </Show>
    </div>
  );
}

/** A titled block of the side panel. */
export function Panel(props: { title: string; testid?: string; children: JSX.Element; aside?: JSX.Element }) {
  return (
    <section class="panel" data-testid={props.testid}>
      <header class="panel-head">
        <h2>{props.title}</h2>
        {props.aside}
      </header>
      <div class="panel-body">{props.children}</div>
    </section>
  );
}
