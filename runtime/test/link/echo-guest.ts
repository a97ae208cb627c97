/**
 * Builds "pass-through" guests: for each function `f: func(params) -> result`
 * the world exports `f` and imports `h-f` with the same signature, and the
 * core export `f` forwards its core arguments unchanged to the lowered import
 * `h-f` (the canonical flattening makes this valid for any signature: spilled
 * parameters pass the same tuple pointer, spilled results go through a
 * return area). A call from the host therefore runs: host lowers params ->
 * core -> guest lifts params for the import -> host import -> lower result ->
 * core -> lift result -> post-return.
 */
import { flattenFuncType, MAX_FLAT_RESULTS, layoutOf, type AbiType } from "@witgen/runtime";

export interface EchoFn {
  /** WIT name (kebab-case). */
  name: string;
  /** WIT parameter list text, e.g. `a: u32, b: string`. */
  witParams: string;
  witResult?: string;
  params: AbiType[];
  result?: AbiType;
}

export const BUMP_REALLOC = `
  (global $bump (mut i32) (i32.const 4096))
  (func $realloc (export "cabi_realloc") (param $old i32) (param $oldsize i32) (param $align i32) (param $new i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get $align) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get $align))))
    (global.set $bump (i32.add (local.get $p) (local.get $new)))
    (block $ok
      (loop $grow
        (br_if $ok (i32.le_u (global.get $bump) (i32.mul (memory.size) (i32.const 65536))))
        (drop (memory.grow (i32.const 1)))
        (br $grow)))
    (if (local.get $oldsize)
      (then (memory.copy (local.get $p) (local.get $old)
        (select (local.get $oldsize) (local.get $new) (i32.lt_u (local.get $oldsize) (local.get $new))))))
    (local.get $p))`;

const RET_AREA = 256;

export function echoCoreWat(fns: EchoFn[], importModule = "$root"): string {
  const imports: string[] = [];
  const bodies: string[] = [];
  for (const f of fns) {
    const lift = flattenFuncType(f.params, f.result, { async: false }, "lift");
    const lower = flattenFuncType(f.params, f.result, { async: false }, "lower");
    const resultSpilled = !!f.result && layoutOf(f.result).flat.length > MAX_FLAT_RESULTS;
    const sig = (ps: string[], rs: string[]) =>
      `${ps.length ? `(param ${ps.join(" ")})` : ""} ${rs.length ? `(result ${rs.join(" ")})` : ""}`;
    imports.push(`(import "${importModule}" "h-${f.name}" (func $h-${f.name} ${sig(lower.params, lower.results)}))`);
    const args = lift.params.map((_, i) => `(local.get ${i})`).join(" ");
    const call = `(call $h-${f.name} ${args}${resultSpilled ? ` (i32.const ${RET_AREA})` : ""})`;
    bodies.push(`(func (export "${f.name}") ${sig(lift.params, lift.results)} ${call}${resultSpilled ? ` (i32.const ${RET_AREA})` : ""})`);
    if (f.result) {
      bodies.push(`(func (export "cabi_post_${f.name}") ${sig(lift.results, [])} (global.set $post (i32.add (global.get $post) (i32.const 1))))`);
    }
  }
  return `(module
  ${imports.join("\n  ")}
  (memory (export "memory") 1)
  (global $post (mut i32) (i32.const 0))
  ${BUMP_REALLOC}
  (func (export "post-count") (result i32) (global.get $post))
  ${bodies.join("\n  ")}
)`;
}

/** WIT lines: `export f: ...; import h-f: ...;` for each function, plus `post-count`. */
export function echoWorldItems(fns: EchoFn[]): string {
  const lines = ["export post-count: func() -> u32;"];
  for (const f of fns) {
    const sig = `func(${f.witParams})${f.witResult ? ` -> ${f.witResult}` : ""}`;
    lines.push(`export ${f.name}: ${sig};`, `import h-${f.name}: ${sig};`);
  }
  return lines.join("\n  ");
}
