export type Role = "viewer" | "trader" | "admin";

export interface Principal {
  readonly sub: string;
  readonly role: Role;
}

/** Hono's environment for the API: bindings, and what middleware sets on the context. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    principal: Principal;
    /** A stable id for the command this request carries: derived from its Idempotency-Key, random without one. */
    commandId: string;
  };
}
