/**
 * Resources through a real component: a guest-implemented resource exported
 * as a JS class (constructor, methods, statics, destructor observed through
 * the guest's own bookkeeping), and a host-implemented resource imported as a
 * JS class (passed in as borrow and own, created by the guest, disposed when
 * the guest drops it), plus the borrow-scope rule.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { compileComponent, GuestResource, Trap, type CompiledComponent } from "@witgen/runtime";
import { buildCoreComponent } from "../../../test/support/build-component.js";
import { BUMP_REALLOC } from "./echo-guest.js";

const WIT = `package test:res;
interface host-api {
  resource file {
    constructor(name: string);
    size: func() -> u32;
    open-default: static func() -> file;
  }
}
interface api {
  use host-api.{file};
  resource counter {
    constructor(start: u32);
    bump: func(by: u32) -> u32;
    get: func() -> u32;
    merge: static func(a: borrow<counter>, b: counter) -> counter;
  }
  use-file: func(f: borrow<file>) -> u32;
  use-file-leak: func(f: borrow<file>) -> u32;
  make-file: func(name: string) -> file;
  keep-file: func(f: file) -> u32;
  default-size: func() -> u32;
  live-counters: func() -> u32;
  last-dropped: func() -> u32;
  give: func(c: counter, n: u32) -> u32;
  give-file: func(f: file, n: u32) -> u32;
  lend-file: func(f: borrow<file>, n: u32) -> u32;
}
world w { import host-api; export api; }`;

const API = "test:res/api";
const CORE = `(module
  (import "test:res/host-api" "[constructor]file" (func $file-new (param i32 i32) (result i32)))
  (import "test:res/host-api" "[method]file.size" (func $file-size (param i32) (result i32)))
  (import "test:res/host-api" "[static]file.open-default" (func $file-default (result i32)))
  (import "test:res/host-api" "[resource-drop]file" (func $file-drop (param i32)))
  (import "[export]${API}" "[resource-new]counter" (func $c-new (param i32) (result i32)))
  (import "[export]${API}" "[resource-rep]counter" (func $c-rep (param i32) (result i32)))
  (import "[export]${API}" "[resource-drop]counter" (func $c-drop (param i32)))
  (memory (export "memory") 1)
  ${BUMP_REALLOC}
  (global $live (mut i32) (i32.const 0))
  (global $last (mut i32) (i32.const -1))
  (func $cell (param $v i32) (result i32) (local $p i32)
    (local.set $p (call $realloc (i32.const 0) (i32.const 0) (i32.const 4) (i32.const 4)))
    (i32.store (local.get $p) (local.get $v))
    (global.set $live (i32.add (global.get $live) (i32.const 1)))
    (call $c-new (local.get $p)))
  (func (export "${API}#[constructor]counter") (param i32) (result i32) (call $cell (local.get 0)))
  (func (export "${API}#[method]counter.bump") (param $self i32) (param $by i32) (result i32)
    (i32.store (local.get $self) (i32.add (i32.load (local.get $self)) (local.get $by)))
    (i32.load (local.get $self)))
  (func (export "${API}#[method]counter.get") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "${API}#[static]counter.merge") (param $a i32) (param $b i32) (result i32) (local $sum i32)
    (local.set $sum (i32.add (i32.load (local.get $a)) (i32.load (call $c-rep (local.get $b)))))
    (call $c-drop (local.get $b))
    (call $cell (local.get $sum)))
  (func (export "${API}#[dtor]counter") (param i32)
    (global.set $last (i32.load (local.get 0)))
    (global.set $live (i32.sub (global.get $live) (i32.const 1))))
  (func (export "${API}#use-file") (param i32) (result i32) (local $s i32)
    (local.set $s (call $file-size (local.get 0)))
    (call $file-drop (local.get 0))
    (local.get $s))
  (func (export "${API}#use-file-leak") (param i32) (result i32) (call $file-size (local.get 0)))
  (func (export "${API}#make-file") (param i32 i32) (result i32) (call $file-new (local.get 0) (local.get 1)))
  (func (export "${API}#keep-file") (param i32) (result i32) (local $s i32)
    (local.set $s (call $file-size (local.get 0)))
    (call $file-drop (local.get 0))
    (local.get $s))
  (func (export "${API}#default-size") (result i32) (local $h i32) (local $s i32)
    (local.set $h (call $file-default))
    (local.set $s (call $file-size (local.get $h)))
    (call $file-drop (local.get $h))
    (local.get $s))
  ;; give / give-file / lend-file: drop the handle, answer n.
  (func (export "${API}#give") (param i32 i32) (result i32) (call $c-drop (local.get 0)) (local.get 1))
  (func (export "${API}#give-file") (param i32 i32) (result i32) (call $file-drop (local.get 0)) (local.get 1))
  (func (export "${API}#lend-file") (param i32 i32) (result i32) (call $file-drop (local.get 0)) (local.get 1))
  (func (export "${API}#live-counters") (result i32) (global.get $live))
  (func (export "${API}#last-dropped") (result i32) (global.get $last))
)`;

const disposed: string[] = [];
class File {
  constructor(readonly label: string) {}
  size(): number {
    return [...this.label].length;
  }
  static openDefault(): File {
    return new File("default");
  }
  [Symbol.dispose](): void {
    disposed.push(this.label);
  }
}

describe("link: resources", () => {
  let compiled: CompiledComponent;
  const instantiate = () => compiled.instantiate({ "test:res/host-api": { File } });

  beforeAll(async () => {
    compiled = await compileComponent(await buildCoreComponent({ coreWat: CORE, witSource: WIT, world: "w" }));
  });

  it("exports a guest resource as a class: constructor, methods, statics, destructor", async () => {
    const api = (await instantiate()).exports[API];
    const c = new api.Counter(5);
    expect(c).toBeInstanceOf(api.Counter);
    expect(c).toBeInstanceOf(GuestResource);
    expect(c.bump(3)).toBe(8);
    expect(c.get()).toBe(8);
    const d = new api.Counter(10);
    expect(api.liveCounters()).toBe(2);
    // merge borrows c and takes ownership of d: the guest drops d (its destructor sees 10).
    const m = api.Counter.merge(c, d);
    expect(m).toBeInstanceOf(api.Counter);
    expect(m.get()).toBe(18);
    expect(api.lastDropped()).toBe(10);
    expect(api.liveCounters()).toBe(2);
    expect(() => d.get()).toThrow(/moved/);
    c[Symbol.dispose]();
    expect(api.lastDropped()).toBe(8);
    expect(api.liveCounters()).toBe(1);
    expect(() => c.get()).toThrow(/dropped/);
    m[Symbol.dispose]();
    expect(api.lastDropped()).toBe(18);
    expect(api.liveCounters()).toBe(0);
  });

  it("passes a host resource in as borrow and own, and back out as own", async () => {
    disposed.length = 0;
    const api = (await instantiate()).exports[API];
    const f = new File("héllo");
    expect(api.useFile(f)).toBe(5);
    expect(disposed).toEqual([]); // a borrow does not end the host object's life
    expect(api.keepFile(f)).toBe(5);
    expect(disposed).toEqual(["héllo"]); // the guest dropped its own handle
    const made = api.makeFile("made by guest");
    expect(made).toBeInstanceOf(File);
    expect(made.label).toBe("made by guest");
    expect(api.defaultSize()).toBe(7);
    expect(disposed).toEqual(["héllo", "default"]);
  });

  it("traps (and poisons the instance) when a borrow is not dropped before returning", async () => {
    const api = (await instantiate()).exports[API];
    const f = new File("x");
    let err: unknown;
    try {
      api.useFileLeak(f);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Trap);
    expect((err as Trap).rule).toMatch(/num_borrows/);
    expect((err as Trap).func).toBe("use-file-leak");
    expect(() => api.liveCounters()).toThrow(/poisoned/);
  });

  it("a refused argument takes back the resources the ones before it moved in (own and borrow, host and guest)", async () => {
    disposed.length = 0;
    const { exports, state } = await instantiate();
    const api = exports[API];
    const before = state.handles.size;
    const c = new api.Counter(4);
    const f = new File("kept");
    // The resource went in first, then the u32 was refused: the component's table is as before.
    expect(() => api.give(c, "x")).toThrow(/expected a u32.*in give \(param "n"\)/);
    expect(() => api.giveFile(f, -1)).toThrow(/in give-file \(param "n"\)/);
    expect(() => api.lendFile(f, 1.5)).toThrow(/in lend-file \(param "n"\)/);
    expect(state.handles.size).toBe(before);
    // The host still owns both: they work, and move in when the call is good.
    expect(c.get()).toBe(4);
    expect(disposed).toEqual([]);
    expect(api.give(c, 7)).toBe(7);
    expect(api.lastDropped()).toBe(4);
    expect(api.lendFile(f, 2)).toBe(2);
    expect(api.giveFile(f, 3)).toBe(3);
    expect(disposed).toEqual(["kept"]); // the guest dropped the own handle it was given
    expect(state.handles.size).toBe(before);
  });

  it("rejects a resource of the wrong class before entering the guest", async () => {
    const api = (await instantiate()).exports[API];
    expect(() => api.useFile({ label: "fake" })).toThrow(/instance of File/);
    expect(() => api.Counter.merge(new api.Counter(1), new File("no"))).toThrow(/counter resource/);
    expect(api.liveCounters()).toBe(1);
  });
});
