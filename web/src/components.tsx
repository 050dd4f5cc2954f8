import { Show, type JSX } from "solid-js";
import type { ApiError } from "./api.ts";
import { amountParts } from "./format.ts";

/** A money amount, exact, in tabular monospace; the raw string rides along in data-amount. */
export function Amount(props: { value: string | undefined; testid?: string; muted?: boolean; unit?: string }) {
  const parts = () => amountParts(props.value ?? "0");
  return (
    <span
      class="amount"
      classList={{ muted: props.muted === true }}
      data-testid={props.testid}
      data-amount={props.value ?? "0"}
      title={props.value ? `${props.value}${props.unit ? ` ${props.unit}` : ""}` : undefined}
    >
      <Show when={parts()} fallback={props.value}>
        {(p) => (
          <>
            {p().sign}
            {p().whole}
            <span class="cents">.{p().cents}</span>
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
