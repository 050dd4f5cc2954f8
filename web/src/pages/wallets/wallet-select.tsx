import { For } from "solid-js";
import type { WalletOption } from "./options.ts";

/** A select of wallets for a money move; options the role may not use are shown disabled with why. */
export function WalletSelect(props: {
  testid: string;
  options: readonly WalletOption[];
  value: string;
  onChange: (id: string) => void;
  empty: string;
}) {
  return (
    <select data-testid={props.testid} onChange={(e) => props.onChange(e.currentTarget.value)}>
      <For each={props.options} fallback={<option value="">{props.empty}</option>}>
        {(o) => (
          <option value={o.id} disabled={o.disabled} selected={o.id === props.value}>
            {o.label}
            {o.note ? ` (${o.note})` : ""}
          </option>
        )}
      </For>
    </select>
  );
}
