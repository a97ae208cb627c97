import { describe, expect, it } from "vitest";
import {
  BorrowScope,
  ComponentInstanceState,
  GuestResource,
  GuestResourceBinding,
  HandleTable,
  HostResourceBinding,
  ResourceHandle,
  ResourceType,
  Trap,
  resourceDrop,
  resourceNew,
  resourceRep,
} from "@witgen/runtime";

describe("HandleTable (CanonicalABI.md Table)", () => {
  it("reserves index 0 and reuses freed slots last-in first-out", () => {
    const t = new HandleTable<{ n: number }>();
    const a = t.add({ n: 1 });
    const b = t.add({ n: 2 });
    const c = t.add({ n: 3 });
    expect([a, b, c]).toEqual([1, 2, 3]);
    t.remove(1);
    t.remove(3);
    expect(t.add({ n: 4 })).toBe(3);
    expect(t.add({ n: 5 })).toBe(1);
    expect(t.add({ n: 6 })).toBe(4);
    expect(t.size).toBe(4);
    expect([...t.entries()].map(([i, e]) => [i, e.n])).toEqual([
      [1, 5],
      [2, 2],
      [3, 4],
      [4, 6],
    ]);
  });

  it("traps on index 0, out-of-range and freed indices", () => {
    const t = new HandleTable();
    t.add({});
    expect(() => t.get(0)).toThrow(
      "invalid handle index 0 [CanonicalABI.md Table.get]",
    );
    expect(() => t.get(2)).toThrow(Trap);
    t.remove(1);
    expect(() => t.remove(1)).toThrow(
      "invalid handle index 1 [CanonicalABI.md Table.remove]",
    );
    expect(t.peek(1)).toBeUndefined();
  });
});

describe("resource built-ins (canon resource.new / rep / drop)", () => {
  it("new/rep/drop an own handle; the destructor gets the rep", () => {
    const inst = new ComponentInstanceState("g");
    const dropped: number[] = [];
    const rt = new ResourceType("r", inst, (rep) => dropped.push(rep));
    const h = resourceNew(inst, rt, 0xdeadbeef);
    expect(h).toBe(1);
    expect(resourceRep(inst, rt, h)).toBe(0xdeadbeef);
    resourceDrop(inst, rt, h);
    expect(dropped).toEqual([0xdeadbeef]);
    expect(() => resourceRep(inst, rt, h)).toThrow(
      "invalid handle index 1 [CanonicalABI.md canon_resource_rep]",
    );
  });

  it("traps on the wrong resource type or a non-resource entry", () => {
    const inst = new ComponentInstanceState("g");
    const a = new ResourceType("a", inst);
    const b = new ResourceType("b", inst);
    const h = resourceNew(inst, a, 1);
    expect(() => resourceRep(inst, b, h)).toThrow(
      "handle 1 is a a, expected a b [CanonicalABI.md canon_resource_rep]",
    );
    expect(() => resourceDrop(inst, b, h)).toThrow(
      /handle 1 is a a, expected a b/,
    );
    const other = inst.handles.add({ notAHandle: true });
    expect(() => resourceRep(inst, a, other)).toThrow(
      `handle ${other} is not a resource handle`,
    );
  });

  it("dropping a borrow handle ends the borrow, not the resource", () => {
    const inst = new ComponentInstanceState("g");
    const dtor: number[] = [];
    const rt = new ResourceType("r", undefined, (rep) => dtor.push(rep));
    const scope = new BorrowScope();
    scope.numBorrows = 1;
    const i = inst.handles.add(new ResourceHandle(rt, 9, false, scope));
    resourceDrop(inst, rt, i);
    expect(scope.numBorrows).toBe(0);
    expect(dtor).toEqual([]);
  });

  it("built-ins trap when the instance may not leave (e.g. during realloc / post-return)", () => {
    const inst = new ComponentInstanceState("g");
    const rt = new ResourceType("r", inst);
    inst.mayLeave = false;
    expect(() => resourceNew(inst, rt, 1)).toThrow(
      /may not leave here .* in \[resource-new\]r \[CanonicalABI.md canon_lower may_leave\]/,
    );
  });

  it("a destructor of another instance is entered like an export: may_enter is checked", () => {
    const impl = new ComponentInstanceState("impl");
    const user = new ComponentInstanceState("user");
    const rt = new ResourceType("r", impl, () => {
      expect(impl.mayEnter).toBe(false);
    });
    const h = user.handles.add(new ResourceHandle(rt, 3, true));
    resourceDrop(user, rt, h);
    expect(impl.mayEnter).toBe(true);
    impl.mayEnter = false;
    const h2 = user.handles.add(new ResourceHandle(rt, 4, true));
    expect(() => resourceDrop(user, rt, h2)).toThrow(
      /instance "impl" cannot be re-entered/,
    );
  });
});

describe("JS-side resource objects", () => {
  it("HostResourceBinding: one rep per object, disposed when the guest drops its last own handle", () => {
    class Conn {
      closed = 0;
      [Symbol.dispose]() {
        this.closed++;
      }
    }
    const b = new HostResourceBinding("conn", Conn);
    const c1 = new Conn();
    const c2 = new Conn();
    const r1 = b.toRep(c1, true);
    expect(b.toRep(c1, false)).toBe(r1);
    const r2 = b.toRep(c2, true);
    expect(r2).not.toBe(r1);
    expect(b.toJs(r2, false)).toBe(c2);
    expect(b.liveCount).toBe(2);
    b.type.dtor!(r1);
    expect(c1.closed).toBe(1);
    expect(b.liveCount).toBe(1);
    expect(() => b.toJs(r1, false)).toThrow(
      `rep ${r1} does not name a live conn host resource`,
    );
    expect(b.toRep(new Conn(), true)).toBe(r1); // the rep is reused
    expect(() => b.toRep({}, true)).toThrow(
      "expected a conn resource object (instance of Conn)",
    );
  });

  it("HostResourceBinding: an object passed as own twice is disposed after the second drop", () => {
    class Conn {
      closed = 0;
      [Symbol.dispose]() {
        this.closed++;
      }
    }
    const b = new HostResourceBinding("conn", Conn);
    const c = new Conn();
    const rep = b.toRep(c, true);
    expect(b.toRep(c, true)).toBe(rep);
    b.type.dtor!(rep);
    expect(c.closed).toBe(0);
    expect(b.toJs(rep, false)).toBe(c);
    b.type.dtor!(rep);
    expect(c.closed).toBe(1);
    expect(() => b.type.dtor!(rep)).toThrow(
      /does not name a live owned conn host resource/,
    );
  });

  it("HostResourceBinding: own handed back to the host is not disposed and stays identical", () => {
    class Conn {
      closed = 0;
      [Symbol.dispose]() {
        this.closed++;
      }
    }
    const b = new HostResourceBinding("conn", Conn);
    const c = new Conn();
    const rep = b.toRep(c, true);
    expect(b.toJs(rep, true)).toBe(c); // lift_own: the guest gave it back
    expect(b.liveCount).toBe(0);
    expect(c.closed).toBe(0);
    expect(b.toRep(c, true)).toBe(rep); // still the same rep while the object lives
  });

  it("GuestResource: using a wrapper of another type, or a borrowed one as own, is an error", () => {
    const inst = new ComponentInstanceState("g");
    const a = new GuestResourceBinding("a", inst);
    const b = new GuestResourceBinding("b", inst);
    const w = a.toJs(1, true);
    expect(() => b.toRep(w, false)).toThrow(
      "expected a b resource, got one of type a",
    );
    const borrowed = a.toJs(2, false);
    expect(() => a.toRep(borrowed, true)).toThrow(
      "a borrowed a cannot be passed as own",
    );
    expect(a.toRep(borrowed, false)).toBe(2);
  });

  it("GuestResource subclasses (generated classes) are created through the wrap factory", () => {
    const inst = new ComponentInstanceState("g");
    class Counter extends GuestResource {
      hello() {
        return "hi";
      }
    }
    const dropped: number[] = [];
    const b = new GuestResourceBinding(
      "counter",
      inst,
      (rep) => dropped.push(rep),
      (rep, binding, own) => new Counter(rep, binding, own),
    );
    const c = b.toJs(7, true);
    expect(c).toBeInstanceOf(Counter);
    expect(b.toRep(c, true)).toBe(7);
    {
      using d = b.toJs(8, true);
      expect((d as Counter).hello()).toBe("hi");
    }
    expect(dropped).toEqual([8]); // `using` disposed it: the guest destructor ran
  });
});
