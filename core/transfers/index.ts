/** The transfer protocol (messages, rows), its admission rules and its machine: one import for all. */
export * from "./protocol.js";
export * from "./admission.js";
export * from "./machine.js";
