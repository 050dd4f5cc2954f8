/**
 * The risk monitor's machine: everything the monitor decides, as pure functions of its state, what
 * it read and the time. The Durable Object gathers the inputs, calls these, persists the decision in
 * one transaction, then sends (orders, cancels, notifications, events).
 */
export * from "./state.js";
export * from "./halts.js";
export * from "./cycle.js";
export * from "./orders.js";
export * from "./pricing.js";
export * from "./notices.js";
