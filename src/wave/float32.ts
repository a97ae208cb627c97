/**
 * Decimal text -> f32, correctly rounded. `Math.fround(Number(text))` rounds
 * twice (to f64, then to f32) and is wrong when the first rounding lands
 * exactly on a midpoint between two f32 values that the decimal was not on;
 * that case is settled here by comparing the exact decimal with the midpoint.
 */

/** The f32 next to `f` towards +inf (`up`) or -inf. */
function f32Step(f: number, up: boolean): number {
  if (f === 0) return up ? 2 ** -149 : -(2 ** -149);
  const bits = new Float32Array([f]);
  const word = new Uint32Array(bits.buffer);
  word[0] += f > 0 === up ? 1 : -1;
  return bits[0];
}

/** An exact rational `num / den` for a finite double. */
function doubleExact(x: number): { num: bigint; den: bigint } {
  let m = Math.abs(x);
  let k = 0;
  while (!Number.isInteger(m)) {
    m *= 2;
    k++;
  }
  const num = BigInt(m) * (x < 0 ? -1n : 1n);
  return { num, den: 2n ** BigInt(k) };
}

/** An exact rational for WAVE decimal text (`-?digits(.digits)?(e[+-]?digits)?`). */
function decimalExact(text: string): { num: bigint; den: bigint } {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([-+]?\d+))?$/.exec(text)!;
  const [, sign, int, frac = "", exp = "0"] = m;
  const e = BigInt(exp) - BigInt(frac.length);
  let num = BigInt(int + frac) * (sign ? -1n : 1n);
  let den = 1n;
  if (e >= 0n) num *= 10n ** e;
  else den = 10n ** -e;
  return { num, den };
}

export function decimalToF32(text: string): number {
  const d = Number(text);
  const f = Math.fround(d);
  if (!Number.isFinite(d) || f === d) return f;
  const other = f32Step(f, d > f);
  // Beyond the largest f32 the rounding threshold is max + half an ulp (2^128 - 2^103).
  const mid = Number.isFinite(f) && Number.isFinite(other) ? (f + other) / 2 : Math.sign(d) * (2 ** 128 - 2 ** 103);
  if (d !== mid) return f;
  const a = decimalExact(text);
  const b = doubleExact(mid);
  const lhs = a.num * b.den;
  const rhs = b.num * a.den;
  if (lhs === rhs) return f; // a true tie: fround already rounded to even
  return lhs > rhs ? Math.max(f, other) : Math.min(f, other);
}
