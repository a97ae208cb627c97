/**
 * A component whose sync-lifted, non-`async` exports each break (or, for contrast, keep) one
 * rule of the async canon built-ins: stream/future copies, cancels and drops, waitable sets,
 * subtasks, blocking from a function that may not block, and error-context values crossing the
 * boundary. Every export is small and acts on the ends it keeps in globals, so a test can set
 * up a state with one call and break the rule with the next.
 *
 * Copy results (CanonicalABI.md "canon stream.{read,write}"): BLOCKED is 0xffffffff, else
 * `result | count << 4` with COMPLETED 0, DROPPED 1, CANCELLED 2.
 */
export const ASYNC_TRAPS_WAT = `(component
  (import "slow" (func $slow async (param "x" u32) (result u32)))
  (type $s (stream u8))
  (type $f (future u32))
  (core module $Mem
    (memory (export "mem") 1)
    ;; error-context.debug-message and string results need a realloc; one fixed spot is enough here.
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 2048)))
  (core instance $mem (instantiate $Mem))
  (alias core export $mem "mem" (core memory $m))
  (alias core export $mem "realloc" (core func $realloc))
  (core func $slow-lowered (canon lower (func $slow) async (memory $m)))
  (core func $s-new (canon stream.new $s))
  (core func $s-read (canon stream.read $s async (memory $m)))
  (core func $s-read-sync (canon stream.read $s (memory $m)))
  (core func $s-write (canon stream.write $s async (memory $m)))
  (core func $s-cancel-r (canon stream.cancel-read $s async))
  (core func $s-cancel-w (canon stream.cancel-write $s async))
  (core func $s-drop-r (canon stream.drop-readable $s))
  (core func $s-drop-w (canon stream.drop-writable $s))
  (core func $f-new (canon future.new $f))
  (core func $f-read (canon future.read $f async (memory $m)))
  (core func $f-write (canon future.write $f async (memory $m)))
  (core func $ws-new (canon waitable-set.new))
  (core func $ws-wait (canon waitable-set.wait (memory $m)))
  (core func $ws-poll (canon waitable-set.poll (memory $m)))
  (core func $ws-drop (canon waitable-set.drop))
  (core func $join (canon waitable.join))
  (core func $st-drop (canon subtask.drop))
  (core func $ec-new (canon error-context.new (memory $m) string-encoding=utf8))
  (core func $ec-msg (canon error-context.debug-message (memory $m) (realloc $realloc) string-encoding=utf8))
  (core func $ec-drop (canon error-context.drop))
  (core instance $b
    (export "slow" (func $slow-lowered))
    (export "s-new" (func $s-new)) (export "s-read" (func $s-read)) (export "s-read-sync" (func $s-read-sync))
    (export "s-write" (func $s-write)) (export "s-cancel-r" (func $s-cancel-r)) (export "s-cancel-w" (func $s-cancel-w))
    (export "s-drop-r" (func $s-drop-r)) (export "s-drop-w" (func $s-drop-w))
    (export "f-new" (func $f-new)) (export "f-read" (func $f-read)) (export "f-write" (func $f-write))
    (export "ws-new" (func $ws-new)) (export "ws-wait" (func $ws-wait)) (export "ws-poll" (func $ws-poll))
    (export "ws-drop" (func $ws-drop)) (export "join" (func $join)) (export "st-drop" (func $st-drop))
    (export "ec-new" (func $ec-new)) (export "ec-msg" (func $ec-msg)) (export "ec-drop" (func $ec-drop)))
  (core module $Main
    (import "b" "slow" (func $slow (param i32 i32) (result i32)))
    (import "b" "s-new" (func $s-new (result i64)))
    (import "b" "s-read" (func $s-read (param i32 i32 i32) (result i32)))
    (import "b" "s-read-sync" (func $s-read-sync (param i32 i32 i32) (result i32)))
    (import "b" "s-write" (func $s-write (param i32 i32 i32) (result i32)))
    (import "b" "s-cancel-r" (func $s-cancel-r (param i32) (result i32)))
    (import "b" "s-cancel-w" (func $s-cancel-w (param i32) (result i32)))
    (import "b" "s-drop-r" (func $s-drop-r (param i32)))
    (import "b" "s-drop-w" (func $s-drop-w (param i32)))
    (import "b" "f-new" (func $f-new (result i64)))
    (import "b" "f-read" (func $f-read (param i32 i32) (result i32)))
    (import "b" "f-write" (func $f-write (param i32 i32) (result i32)))
    (import "b" "ws-new" (func $ws-new (result i32)))
    (import "b" "ws-wait" (func $ws-wait (param i32 i32) (result i32)))
    (import "b" "ws-poll" (func $ws-poll (param i32 i32) (result i32)))
    (import "b" "ws-drop" (func $ws-drop (param i32)))
    (import "b" "join" (func $join (param i32 i32)))
    (import "b" "st-drop" (func $st-drop (param i32)))
    (import "b" "ec-new" (func $ec-new (param i32 i32) (result i32)))
    (import "b" "ec-msg" (func $ec-msg (param i32 i32)))
    (import "b" "ec-drop" (func $ec-drop (param i32)))
    (import "m" "mem" (memory 1))
    (data (i32.const 64) "hello")
    (data (i32.const 96) "guest failed: ✗")
    ;; The stream (or future) ends and the waitable set the exports share.
    (global $r (mut i32) (i32.const 0))
    (global $w (mut i32) (i32.const 0))
    (global $ws (mut i32) (i32.const 0))
    (func $new-stream (local $p i64)
      (local.set $p (call $s-new))
      (global.set $r (i32.wrap_i64 (local.get $p)))
      (global.set $w (i32.wrap_i64 (i64.shr_u (local.get $p) (i64.const 32)))))
    (func $new-future (local $p i64)
      (local.set $p (call $f-new))
      (global.set $r (i32.wrap_i64 (local.get $p)))
      (global.set $w (i32.wrap_i64 (i64.shr_u (local.get $p) (i64.const 32)))))
    (func (export "ok") (result i32) (i32.const 1))

    ;; --- stream copies
    ;; read-dropped(): the writer is dropped first, so the read reports DROPPED at once.
    (func (export "read-dropped") (result i32)
      (call $new-stream)
      (call $s-drop-w (global.get $w))
      (call $s-read (global.get $r) (i32.const 0) (i32.const 4)))
    ;; take-and-read(s): keeps s as the readable end and reads it once.
    (func (export "take-and-read") (param $s i32) (result i32)
      (global.set $r (local.get $s))
      (call $s-read (global.get $r) (i32.const 0) (i32.const 4)))
    ;; read-again(): another async read of the kept readable end.
    (func (export "read-again") (result i32) (call $s-read (global.get $r) (i32.const 0) (i32.const 4)))
    ;; pend-read(): an async read with no writer: BLOCKED, the copy stays pending.
    (func (export "pend-read") (result i32)
      (call $new-stream)
      (call $s-read (global.get $r) (i32.const 0) (i32.const 4)))
    ;; pend-write(): an async write of "hello" with no reader: BLOCKED.
    (func (export "pend-write") (result i32)
      (call $new-stream)
      (call $s-write (global.get $w) (i32.const 64) (i32.const 5)))
    (func (export "drop-reader") (call $s-drop-r (global.get $r)))
    (func (export "drop-writer") (call $s-drop-w (global.get $w)))
    ;; cancel-idle-read() / cancel-idle-write(): cancel on a fresh end, nothing to cancel.
    (func (export "cancel-idle-read") (result i32)
      (call $new-stream)
      (call $s-cancel-r (global.get $r)))
    (func (export "cancel-idle-write") (result i32)
      (call $new-stream)
      (call $s-cancel-w (global.get $w)))
    ;; cancel-pending-read(): the allowed case, then both ends drop cleanly; returns the cancel result.
    (func (export "cancel-pending-read") (result i32) (local $c i32)
      (call $new-stream)
      (if (i32.ne (call $s-read (global.get $r) (i32.const 0) (i32.const 4)) (i32.const -1)) (then (unreachable)))
      (local.set $c (call $s-cancel-r (global.get $r)))
      (call $s-drop-r (global.get $r))
      (call $s-drop-w (global.get $w))
      (local.get $c))

    ;; --- futures
    ;; write-future(): the guest's own async read is pending, so writing 42 completes at once.
    ;; Returns write result * 1000 + the value the read received.
    (func (export "write-future") (result i32) (local $c i32)
      (call $new-future)
      (if (i32.ne (call $f-read (global.get $r) (i32.const 0)) (i32.const -1)) (then (unreachable)))
      (i32.store (i32.const 8) (i32.const 42))
      (local.set $c (call $f-write (global.get $w) (i32.const 8)))
      (i32.add (i32.mul (local.get $c) (i32.const 1000)) (i32.load (i32.const 0))))
    ;; write-future-again(): a second value into the same writable end.
    (func (export "write-future-again") (result i32)
      (i32.store (i32.const 8) (i32.const 43))
      (call $f-write (global.get $w) (i32.const 8)))

    ;; --- blocking in a function that may not block
    ;; wait-empty(): waitable-set.wait on a set with nothing to deliver.
    (func (export "wait-empty") (result i32)
      (global.set $ws (call $ws-new))
      (call $ws-wait (global.get $ws) (i32.const 0)))
    ;; wait-ready(): the allowed case, an event is already pending: a write of "hello" is
    ;; BLOCKED, the guest's own read then takes it, and wait returns the writer's event at once.
    ;; Returns event code * 1000 + payload (the packed copy result).
    (func (export "wait-ready") (result i32) (local $code i32)
      (call $new-stream)
      (global.set $ws (call $ws-new))
      (if (i32.ne (call $s-write (global.get $w) (i32.const 64) (i32.const 5)) (i32.const -1)) (then (unreachable)))
      (call $join (global.get $w) (global.get $ws))
      (if (i32.ne (call $s-read (global.get $r) (i32.const 16) (i32.const 8)) (i32.const 80)) (then (unreachable)))
      (local.set $code (call $ws-wait (global.get $ws) (i32.const 0)))
      (if (i32.ne (i32.load (i32.const 0)) (global.get $w)) (then (unreachable)))
      (i32.add (i32.mul (local.get $code) (i32.const 1000)) (i32.load (i32.const 4))))
    ;; read-sync-unready(): a synchronous (non-async) read with no writer ready.
    (func (export "read-sync-unready") (result i32)
      (call $new-stream)
      (call $s-read-sync (global.get $r) (i32.const 0) (i32.const 4)))

    ;; --- waitable sets and subtasks
    ;; drop-busy-set(): drops a set that still has the readable end as a member.
    (func (export "drop-busy-set")
      (call $new-stream)
      (global.set $ws (call $ws-new))
      (call $join (global.get $r) (global.get $ws))
      (call $ws-drop (global.get $ws)))
    ;; drop-pending-subtask(x): calls the host's slow(x) async-lowered; its promise is still
    ;; pending, so the call is STARTED; then drops the subtask.
    (func (export "drop-pending-subtask") (param $x i32) (local $r i32)
      (local.set $r (call $slow (local.get $x) (i32.const 32)))
      (if (i32.ne (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1)) (then (unreachable)))
      (call $st-drop (i32.shr_u (local.get $r) (i32.const 4))))

    ;; --- a zero-length write into a stream the host reads
    ;; open() -> stream<u8>: keeps the writable end (in a waitable set), returns the readable one.
    (func (export "open") (result i32)
      (call $new-stream)
      (global.set $ws (call $ws-new))
      (call $join (global.get $w) (global.get $ws))
      (global.get $r))
    ;; probe(): async write of 0 elements; returns the copy result.
    (func (export "probe") (result i32) (call $s-write (global.get $w) (i32.const 64) (i32.const 0)))
    ;; poll(): event code * 1000 + payload of the next event (0 when none).
    (func (export "poll") (result i32) (local $code i32)
      (local.set $code (call $ws-poll (global.get $ws) (i32.const 0)))
      (i32.add (i32.mul (local.get $code) (i32.const 1000)) (i32.load (i32.const 4))))
    ;; send(): async write of "hello"; returns the copy result.
    (func (export "send") (result i32) (call $s-write (global.get $w) (i32.const 64) (i32.const 5)))
    (func (export "close")
      (call $join (global.get $w) (i32.const 0))
      (call $s-drop-w (global.get $w))
      (call $ws-drop (global.get $ws)))

    ;; --- error-context across the boundary
    ;; make-error() -> error-context with the debug message "guest failed: ✗" (17 bytes).
    (func (export "make-error") (result i32) (call $ec-new (i32.const 96) (i32.const 17)))
    ;; describe-error(e) -> string: e's debug message; then drops e.
    (func (export "describe-error") (param $e i32) (result i32)
      (call $ec-msg (local.get $e) (i32.const 16))
      (call $ec-drop (local.get $e))
      (i32.const 16)))
  (core instance $main (instantiate $Main (with "b" (instance $b)) (with "m" (instance $mem))))
  (func (export "ok") (result u32) (canon lift (core func $main "ok")))
  (func (export "read-dropped") (result u32) (canon lift (core func $main "read-dropped")))
  (func (export "take-and-read") (param "s" (stream u8)) (result u32) (canon lift (core func $main "take-and-read")))
  (func (export "read-again") (result u32) (canon lift (core func $main "read-again")))
  (func (export "pend-read") (result u32) (canon lift (core func $main "pend-read")))
  (func (export "pend-write") (result u32) (canon lift (core func $main "pend-write")))
  (func (export "drop-reader") (canon lift (core func $main "drop-reader")))
  (func (export "drop-writer") (canon lift (core func $main "drop-writer")))
  (func (export "cancel-idle-read") (result u32) (canon lift (core func $main "cancel-idle-read")))
  (func (export "cancel-idle-write") (result u32) (canon lift (core func $main "cancel-idle-write")))
  (func (export "cancel-pending-read") (result u32) (canon lift (core func $main "cancel-pending-read")))
  (func (export "write-future") (result u32) (canon lift (core func $main "write-future")))
  (func (export "write-future-again") (result u32) (canon lift (core func $main "write-future-again")))
  (func (export "wait-empty") (result u32) (canon lift (core func $main "wait-empty")))
  (func (export "wait-ready") (result u32) (canon lift (core func $main "wait-ready")))
  (func (export "read-sync-unready") (result u32) (canon lift (core func $main "read-sync-unready")))
  (func (export "drop-busy-set") (canon lift (core func $main "drop-busy-set")))
  (func (export "drop-pending-subtask") (param "x" u32) (canon lift (core func $main "drop-pending-subtask")))
  (func (export "open") (result $s) (canon lift (core func $main "open")))
  (func (export "probe") (result u32) (canon lift (core func $main "probe")))
  (func (export "poll") (result u32) (canon lift (core func $main "poll")))
  (func (export "send") (result u32) (canon lift (core func $main "send")))
  (func (export "close") (canon lift (core func $main "close")))
  (func (export "make-error") (result error-context) (canon lift (core func $main "make-error")))
  (func (export "describe-error") (param "e" error-context) (result string)
    (canon lift (core func $main "describe-error") (memory $m) (realloc $realloc) string-encoding=utf8)))`;
