import { ColorType, type ChartOptions, CrosshairMode, type DeepPartial } from "lightweight-charts";

/** The dashboard's chart look (dark panel, monospace axes), shared by the trading and backtest charts. */
export function chartOptions(timeScale: DeepPartial<ChartOptions["timeScale"]> = {}): DeepPartial<ChartOptions> {
  return {
    autoSize: true,
    layout: {
      background: { type: ColorType.Solid, color: "#141922" },
      textColor: "#8a94a6",
      fontFamily: 'ui-monospace, "SFMono-Regular", "JetBrains Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace',
      fontSize: 11,
      attributionLogo: false,
    },
    grid: { vertLines: { color: "#1a202b" }, horzLines: { color: "#1a202b" } },
    rightPriceScale: { borderColor: "#232a36" },
    timeScale: { borderColor: "#232a36", timeVisible: true, secondsVisible: false, ...timeScale },
    crosshair: { mode: CrosshairMode.Normal },
  };
}
