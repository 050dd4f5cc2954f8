// The port `npm start` serves on, from its command line and environment.

/**
 * The port, from every way a user may ask for one: `npm start -- --port 9000` (the script sees
 * `--port 9000`; `--port=9000` and `-p 9000` too), `npm start --port=9000` (npm keeps the option
 * and passes it as `npm_config_port`), `npm start --port 9000` (npm takes `--port` as a flag,
 * `npm_config_port` is "true", and the script sees a bare `9000`), else `PORT`, else 8787.
 * Anything else on the command line is refused rather than ignored.
 */
export function portFrom(argv, env) {
  const npmPort = env.npm_config_port;
  let port = npmPort && npmPort !== "true" ? npmPort : (env.PORT ?? "8787");
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--port" || arg === "-p") port = argv[++i] ?? "";
    else if (arg.startsWith("--port=")) port = arg.slice("--port=".length);
    else if (npmPort === "true" && /^\d+$/.test(arg)) port = arg;
    else throw new Error(`unknown option ${arg} (npm start accepts --port N)`);
  }
  const n = Number(port);
  if (!/^\d+$/.test(port) || n < 1 || n > 65535) throw new Error(`--port must be a whole number from 1 to 65535, got "${port}"`);
  return n;
}
