/**
 * A guest whose exports and imports are named `then`, `constructor`, `delete`, `new` and whose
 * resources have statics `name`, `length`, `prototype`: shared by the runtime's naming test and
 * the emitter's, so both check one component against docs/mapping.md "Names".
 */

// Component validation makes names strongly-unique (Explainer.md "Name Uniqueness"), so a
// function `then` and a method `then` cannot share an interface: functions and the resource
// live in separate interfaces.
export const WIT = `package test:names;
interface host-fns {
  then: func() -> u32;
  %constructor: func() -> u32;
  delete: func() -> u32;
  new: func() -> u32;
}
interface host-res {
  resource thing {
    constructor(v: u32);
    then: func() -> u32;
    %constructor: func() -> u32;
    name: static func() -> u32;
    length: static func() -> u32;
  }
}
interface fns {
  then: func() -> u32;
  %constructor: func() -> u32;
  delete: func() -> u32;
  new: func() -> u32;
}
interface res {
  resource thing {
    constructor(v: u32);
    then: func() -> u32;
    %constructor: func() -> u32;
    name: static func() -> u32;
    prototype: static func() -> u32;
  }
}
world w {
  import host-fns;
  import host-res;
  import delete: func() -> u32;
  export fns;
  export res;
  export then: func() -> u32;
}`;

export const HF = "test:names/host-fns";
export const HR = "test:names/host-res";
export const FNS = "test:names/fns";
export const RES = "test:names/res";

// Exports add a per-function offset to what they get from the host, so a mislinked name shows.
export const CORE = `(module
  (import "${HF}" "then" (func $h-then (result i32)))
  (import "${HF}" "constructor" (func $h-ctor (result i32)))
  (import "${HF}" "delete" (func $h-delete (result i32)))
  (import "${HF}" "new" (func $h-new (result i32)))
  (import "${HR}" "[constructor]thing" (func $t-new (param i32) (result i32)))
  (import "${HR}" "[method]thing.then" (func $t-then (param i32) (result i32)))
  (import "${HR}" "[method]thing.constructor" (func $t-ctor (param i32) (result i32)))
  (import "${HR}" "[static]thing.name" (func $t-name (result i32)))
  (import "${HR}" "[static]thing.length" (func $t-length (result i32)))
  (import "${HR}" "[resource-drop]thing" (func $t-drop (param i32)))
  (import "$root" "delete" (func $root-delete (result i32)))
  (import "[export]${RES}" "[resource-new]thing" (func $r-new (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "${FNS}#then") (result i32) (i32.add (call $h-then) (i32.const 1000)))
  (func (export "${FNS}#constructor") (result i32) (i32.add (call $h-ctor) (i32.const 2000)))
  (func (export "${FNS}#delete") (result i32) (i32.add (call $h-delete) (i32.const 3000)))
  ;; new: host thing(5): then + 100 * constructor + 10000 * name + 100000 * length + host new()
  (func (export "${FNS}#new") (result i32) (local $t i32) (local $sum i32)
    (local.set $t (call $t-new (i32.const 5)))
    (local.set $sum (i32.add (call $t-then (local.get $t)) (i32.mul (call $t-ctor (local.get $t)) (i32.const 100))))
    (local.set $sum (i32.add (local.get $sum) (i32.mul (call $t-name) (i32.const 10000))))
    (local.set $sum (i32.add (local.get $sum) (i32.mul (call $t-length) (i32.const 100000))))
    (call $t-drop (local.get $t))
    (i32.add (local.get $sum) (call $h-new)))
  ;; The rep of a guest thing is its value.
  (func (export "${RES}#[constructor]thing") (param i32) (result i32) (call $r-new (local.get 0)))
  (func (export "${RES}#[method]thing.then") (param i32) (result i32) (local.get 0))
  (func (export "${RES}#[method]thing.constructor") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (func (export "${RES}#[static]thing.name") (result i32) (i32.const 42))
  (func (export "${RES}#[static]thing.prototype") (result i32) (i32.const 43))
  (func (export "then") (result i32) (i32.add (call $root-delete) (i32.const 4000)))
)`;

/** The host's import object, written as docs/mapping.md "Names" (and the generated `Imports`) names things. */
export function hostImports(): Record<string, unknown> {
  class Thing {
    constructor(readonly v: number) {}
    then_(): number {
      return this.v;
    }
    constructor_(): number {
      return this.v * 2;
    }
    static name_(): number {
      return 7;
    }
    static length_(): number {
      return 9;
    }
  }
  return {
    [HF]: { then_: () => 1, constructor_: () => 2, delete: () => 3, new: () => 4 },
    [HR]: { Thing },
    delete: () => 5,
  };
}

