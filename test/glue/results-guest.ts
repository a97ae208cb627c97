/**
 * A guest whose functions return `result<u32, u32>` on each path the generated glue leaves to the
 * runtime's dynamic path (an async-lifted export, a resource method, a fallible resource
 * constructor) and on one it covers (a sync function through a `type` alias), plus a host
 * import returning a result. Used by the runtime's result-style tests and the glue's.
 *
 * - `check(n)` (async, callback-lifted): `err(5)` for 0, else `ok(n + 1)`;
 * - `check-alias(n) -> outcome` (`type outcome = result<u32, u32>`): the same, synchronously;
 * - `new counter(start)`: `err(99)` for 0, else a counter (its rep is `start`);
 * - `counter.take(n)`: forwards the host import `validate(n)`'s result unchanged.
 */
export const RESULTS_WIT = `package test:results;
interface api {
  type outcome = result<u32, u32>;
  resource counter {
    constructor(start: u32) -> result<counter, u32>;
    take: func(n: u32) -> result<u32, u32>;
    start: func() -> u32;
  }
  check: async func(n: u32) -> result<u32, u32>;
  check-alias: func(n: u32) -> outcome;
}
world results {
  import validate: func(n: u32) -> result<u32, u32>;
  export api;
}`;

export const RESULTS_API = "test:results/api";

const API = RESULTS_API;
export const RESULTS_CORE = `(module
  (import "$root" "validate" (func $validate (param i32 i32)))
  (import "[export]${API}" "[task-return]check" (func $task-return (param i32 i32)))
  (import "[export]${API}" "[resource-new]counter" (func $c-new (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (unreachable))
  ;; result<u32, u32> at $at: discriminant byte, payload at +4.
  (func $put (param $at i32) (param $err i32) (param $v i32) (result i32)
    (i32.store8 (local.get $at) (local.get $err))
    (i32.store offset=4 (local.get $at) (local.get $v))
    (local.get $at))
  (func (export "${API}#[constructor]counter") (param $start i32) (result i32)
    (if (result i32) (i32.eqz (local.get $start))
      (then (call $put (i32.const 128) (i32.const 1) (i32.const 99)))
      (else (call $put (i32.const 128) (i32.const 0) (call $c-new (local.get $start))))))
  (func (export "${API}#[method]counter.take") (param $self i32) (param $n i32) (result i32)
    (call $validate (local.get $n) (i32.const 64))
    (i32.const 64))
  (func (export "${API}#[method]counter.start") (param $self i32) (result i32) (local.get $self))
  (func (export "${API}#[dtor]counter") (param i32))
  (func (export "${API}#check-alias") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (call $put (i32.const 96) (i32.const 1) (i32.const 5)))
      (else (call $put (i32.const 96) (i32.const 0) (i32.add (local.get $n) (i32.const 1))))))
  (func (export "[async-lift]${API}#check") (param $n i32) (result i32)
    (if (i32.eqz (local.get $n))
      (then (call $task-return (i32.const 1) (i32.const 5)))
      (else (call $task-return (i32.const 0) (i32.add (local.get $n) (i32.const 1)))))
    (i32.const 0))
  (func (export "[callback][async-lift]${API}#check") (param i32 i32 i32) (result i32) (unreachable))
)`;
