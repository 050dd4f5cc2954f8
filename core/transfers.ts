/** Kept so that files still importing `core/transfers.js` resolve: the protocol lives in core/transfers/. */
export * from "./transfers/index.js";
