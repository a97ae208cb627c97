/**
 * A component with sync exports over sync-typed host imports (a number, and a string through
 * memory + realloc): shared by the JSPI tests (Node 26) and the browser test.
 */
export const SYNC_WAT = `(component
  (import "fetch" (func $fetch (param "x" u32) (result u32)))
  (import "greet" (func $greet (param "name" string) (result string)))
  (core module $Mem
    (memory (export "mem") 1)
    (global $next (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $next) (i32.const 7)) (i32.const -8)))
      (global.set $next (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $mem (instantiate $Mem))
  (alias core export $mem "mem" (core memory $m))
  (alias core export $mem "realloc" (core func $realloc))
  (core func $fetch-l (canon lower (func $fetch)))
  (core func $greet-l (canon lower (func $greet) (memory $m) (realloc $realloc) string-encoding=utf8))
  (core instance $h (export "fetch" (func $fetch-l)) (export "greet" (func $greet-l)))
  (core module $Main
    (import "h" "fetch" (func $f (param i32) (result i32)))
    (import "h" "greet" (func $g (param i32 i32 i32)))
    (import "m" "mem" (memory 1))
    (func (export "run") (param i32) (result i32) (i32.add (call $f (local.get 0)) (i32.const 1)))
    (func (export "twice") (param i32) (result i32) (i32.add (call $f (local.get 0)) (call $f (i32.const 100))))
    (func (export "fetch-then-trap") (param i32) (result i32) (drop (call $f (local.get 0))) unreachable)
    (func (export "greet") (param i32 i32) (result i32) (call $g (local.get 0) (local.get 1) (i32.const 16)) (i32.const 16)))
  (core instance $main (instantiate $Main (with "h" (instance $h)) (with "m" (instance $mem))))
  (func (export "run") (param "x" u32) (result u32) (canon lift (core func $main "run")))
  (func (export "twice") (param "x" u32) (result u32) (canon lift (core func $main "twice")))
  (func (export "fetch-then-trap") (param "x" u32) (result u32) (canon lift (core func $main "fetch-then-trap")))
  (func (export "greet") (param "name" string) (result string)
    (canon lift (core func $main "greet") (memory $m) (realloc $realloc) string-encoding=utf8)))`;
