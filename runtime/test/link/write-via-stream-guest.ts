/**
 * A component calling a sync import shaped like WASI 0.3's `write-via-stream`:
 * `write-via-stream: func(data: stream<u8>) -> future<u32>`, lowered sync. Used by the glue test
 * of whole-call adapters moving ends (test/glue/sync-stream-imports.test.ts) and the JSPI tests.
 *
 * `run() -> u32`: makes a stream, passes its readable end to the sync import
 * `write-via-stream`, writes the bytes 1..5 into it, drops the writer, and answers the value of
 * the future the import returned (1000 if it was dropped without one).
 */
export const WRITE_VIA_STREAM_WAT = `(component
  (type $s (stream u8))
  (type $f (future u32))
  (import "write-via-stream" (func $wvs (param "data" $s) (result $f)))
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (alias core export $mem "mem" (core memory $m))
  (core func $wvs-l (canon lower (func $wvs)))
  (core func $ret (canon task.return (result u32)))
  (core func $new (canon stream.new $s))
  (core func $write (canon stream.write $s async (memory $m)))
  (core func $drop-w (canon stream.drop-writable $s))
  (core func $f-read (canon future.read $f async (memory $m)))
  (core func $f-drop-r (canon future.drop-readable $f))
  (core func $ws-new (canon waitable-set.new))
  (core func $ws-drop (canon waitable-set.drop))
  (core func $join (canon waitable.join))
  (core instance $b
    (export "wvs" (func $wvs-l)) (export "ret" (func $ret)) (export "new" (func $new))
    (export "write" (func $write)) (export "drop-w" (func $drop-w)) (export "f-read" (func $f-read))
    (export "f-drop-r" (func $f-drop-r)) (export "ws-new" (func $ws-new)) (export "ws-drop" (func $ws-drop))
    (export "join" (func $join)))
  (core module $Main
    (import "b" "wvs" (func $wvs (param i32) (result i32)))
    (import "b" "ret" (func $ret (param i32)))
    (import "b" "new" (func $new (result i64)))
    (import "b" "write" (func $write (param i32 i32 i32) (result i32)))
    (import "b" "drop-w" (func $drop-w (param i32)))
    (import "b" "f-read" (func $f-read (param i32 i32) (result i32)))
    (import "b" "f-drop-r" (func $f-drop-r (param i32)))
    (import "b" "ws-new" (func $ws-new (result i32)))
    (import "b" "ws-drop" (func $ws-drop (param i32)))
    (import "b" "join" (func $join (param i32 i32)))
    (import "m" "mem" (memory 1))
    (data (i32.const 100) "\\01\\02\\03\\04\\05")
    (global $w (mut i32) (i32.const 0))
    (global $f (mut i32) (i32.const 0))
    (global $ws (mut i32) (i32.const 0))
    (func $wait (result i32) (i32.or (i32.const 2) (i32.shl (global.get $ws) (i32.const 4))))
    (func (export "run") (result i32) (local $p i64) (local $r i32)
      (local.set $p (call $new))
      (global.set $w (i32.wrap_i64 (i64.shr_u (local.get $p) (i64.const 32))))
      (global.set $f (call $wvs (i32.wrap_i64 (local.get $p))))
      (global.set $ws (call $ws-new))
      (call $join (global.get $w) (global.get $ws))
      (local.set $r (call $write (global.get $w) (i32.const 100) (i32.const 5)))
      (if (i32.eq (local.get $r) (i32.const -1)) (then (return (call $wait))))
      (call $wrote))
    ;; The bytes went (or the reader is gone): close the stream, then read the future.
    (func $wrote (result i32) (local $r i32)
      (call $join (global.get $w) (i32.const 0))
      (call $drop-w (global.get $w))
      (call $join (global.get $f) (global.get $ws))
      (local.set $r (call $f-read (global.get $f) (i32.const 200)))
      (if (i32.eq (local.get $r) (i32.const -1)) (then (return (call $wait))))
      (call $got (local.get $r)))
    (func $got (param $r i32) (result i32)
      (call $join (global.get $f) (i32.const 0))
      (call $f-drop-r (global.get $f))
      (call $ws-drop (global.get $ws))
      (call $ret (select (i32.const 1000) (i32.load (i32.const 200))
        (i32.eq (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1))))
      (i32.const 0))
    ;; STREAM_WRITE (3), then FUTURE_READ (4).
    (func (export "run-cb") (param $ev i32) (param $p1 i32) (param $p2 i32) (result i32)
      (if (i32.eq (local.get $ev) (i32.const 3)) (then (return (call $wrote))))
      (call $got (local.get $p2))))
  (core instance $main (instantiate $Main (with "b" (instance $b)) (with "m" (instance $mem))))
  (func (export "run") async (result u32)
    (canon lift (core func $main "run") async (callback (core func $main "run-cb")))))`;
