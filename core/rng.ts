/**
 * A seeded pseudo-random generator for pure code (core never calls Math.random): sfc32, whose
 * whole state is four 32-bit integers, so it travels in JSON with the state that owns it and a
 * restored generator continues exactly where it stopped.
 *
 * The draw functions advance the state array they are given in place; a pure caller copies the
 * state first (`cloneRng`) and returns the copy.
 */
export type RngState = [number, number, number, number];

const TWO_POW_32 = 4_294_967_296;

/** A generator seeded from a number or a string; the same seed always gives the same stream. */
export function seedRng(seed: number | string): RngState {
  const s = hash128(String(seed));
  // The first outputs of sfc32 still show the seed's structure; skip them.
  for (let i = 0; i < 12; i++) nextU32(s);
  return s;
}

export function cloneRng(s: readonly number[]): RngState {
  if (s.length !== 4 || !s.every((x) => Number.isInteger(x))) throw new Error("invariant: rng state is four integers");
  return [s[0] ?? 0, s[1] ?? 0, s[2] ?? 0, s[3] ?? 0];
}

/** The next 32-bit unsigned integer (sfc32, Chris Doty-Humphrey's small fast chaotic generator). */
export function nextU32(s: RngState): number {
  const [a, b, c, d] = s;
  const t = (((a + b) | 0) + d) | 0;
  s[3] = (d + 1) | 0;
  s[0] = b ^ (b >>> 9);
  s[1] = (c + (c << 3)) | 0;
  const rotated = (c << 21) | (c >>> 11);
  s[2] = (rotated + t) | 0;
  return t >>> 0;
}

/** Uniform on the open interval (0, 1): never exactly 0, so `Math.log(u)` is always finite. */
export function nextUniform(s: RngState): number {
  return (nextU32(s) + 0.5) / TWO_POW_32;
}

/** Standard normal (Box–Muller, cosine branch; two uniforms per draw keeps the state to four integers). */
export function nextNormal(s: RngState): number {
  const u = nextUniform(s);
  const v = nextUniform(s);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Poisson-distributed count with mean `lambda` (Knuth's method; meant for the small means of a short step). */
export function nextPoisson(s: RngState, lambda: number): number {
  if (!(lambda > 0)) return 0;
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = nextUniform(s);
  while (p > limit && k < 1_000) {
    k++;
    p *= nextUniform(s);
  }
  return k;
}

/** cyrb128: a string hash spreading into four 32-bit words, used only to seed. */
function hash128(text: string): RngState {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 | 0, h2 | 0, h3 | 0, h4 | 0];
}
