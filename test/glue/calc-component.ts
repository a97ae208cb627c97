/** A small component for end-to-end tests and benchmarks: WIT world `calc` and its core module in WAT. */

export const CALC_WIT = `
package test:calc@1.0.0;

interface types {
  record point { x: s32, y: s32 }
}

interface host {
  use types.{point};
  log: func(msg: string);
  offset: func() -> point;
}

interface geometry {
  use types.{point};
  swap: func(p: point) -> point;
}

world calc {
  use types.{point};
  import host;
  import scale: func(v: u32) -> u32;
  import try-thing: func(v: u32) -> result<u32, string>;
  export add: func(a: u32, b: u32) -> u32;
  export echo: func(s: string) -> string;
  export centroid: func(pts: list<point>) -> point;
  export check: func(v: u32) -> result<u32, string>;
  export run: func(a: u32) -> u32;
  export attempt: func(v: u32) -> u32;
  export posts: func() -> u32;
  export geometry;
}
`;

export const CALC_WAT = `(module
  (import "$root" "scale" (func $scale (param i32) (result i32)))
  (import "$root" "try-thing" (func $try (param i32 i32)))
  (import "test:calc/host@1.0.0" "log" (func $log (param i32 i32)))
  (import "test:calc/host@1.0.0" "offset" (func $offset (param i32)))
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 4096))
  (global $posts (mut i32) (i32.const 0))
  (data (i32.const 2048) "too big")
  (data (i32.const 2064) "hi from guest")
  (func (export "cabi_realloc") (param $old i32) (param $oldsize i32) (param $align i32) (param $new i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get $align) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get $align))))
    (global.set $bump (i32.add (local.get $p) (local.get $new)))
    (block $ok
      (loop $grow
        (br_if $ok (i32.le_u (global.get $bump) (i32.mul (memory.size) (i32.const 65536))))
        (drop (memory.grow (i32.const 1)))
        (br $grow)))
    (memory.copy (local.get $p) (local.get $old)
      (select (local.get $oldsize) (local.get $new) (i32.lt_u (local.get $oldsize) (local.get $new))))
    (local.get $p))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  ;; echo: the argument string is already in guest memory; return it as is
  (func (export "echo") (param i32 i32) (result i32)
    (i32.store (i32.const 1024) (local.get 0))
    (i32.store (i32.const 1028) (local.get 1))
    (i32.const 1024))
  (func (export "cabi_post_echo") (param i32) (global.set $posts (i32.add (global.get $posts) (i32.const 1))))
  (func (export "posts") (result i32) (global.get $posts))
  ;; centroid: the sum of the points (a record result, returned through memory)
  (func (export "centroid") (param $ptr i32) (param $len i32) (result i32) (local $i i32) (local $x i32) (local $y i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
      (local.set $x (i32.add (local.get $x) (i32.load (i32.add (local.get $ptr) (i32.shl (local.get $i) (i32.const 3))))))
      (local.set $y (i32.add (local.get $y) (i32.load offset=4 (i32.add (local.get $ptr) (i32.shl (local.get $i) (i32.const 3))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (i32.store (i32.const 1040) (local.get $x))
    (i32.store (i32.const 1044) (local.get $y))
    (i32.const 1040))
  ;; check: ok(2v) when v <= 10, else err("too big")
  (func (export "check") (param $v i32) (result i32)
    (if (i32.gt_u (local.get $v) (i32.const 10))
      (then
        (i32.store8 (i32.const 1056) (i32.const 1))
        (i32.store (i32.const 1060) (i32.const 2048))
        (i32.store (i32.const 1064) (i32.const 7)))
      (else
        (i32.store8 (i32.const 1056) (i32.const 0))
        (i32.store (i32.const 1060) (i32.mul (local.get $v) (i32.const 2)))))
    (i32.const 1056))
  ;; run: log a line, then scale(a) + offset().x
  (func (export "run") (param $a i32) (result i32)
    (call $log (i32.const 2064) (i32.const 13))
    (call $offset (i32.const 1072))
    (i32.add (call $scale (local.get $a)) (i32.load (i32.const 1072))))
  ;; attempt: try-thing(v)'s ok value, or 999 for err
  (func (export "attempt") (param $v i32) (result i32)
    (call $try (local.get $v) (i32.const 1088))
    (if (result i32) (i32.eqz (i32.load8_u (i32.const 1088)))
      (then (i32.load (i32.const 1092)))
      (else (i32.const 999))))
  (func (export "test:calc/geometry@1.0.0#swap") (param i32 i32) (result i32)
    (i32.store (i32.const 1104) (local.get 1))
    (i32.store (i32.const 1108) (local.get 0))
    (i32.const 1104))
)`;
