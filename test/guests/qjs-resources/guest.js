// Guest implementation of world `resources`: an exported resource (constructor,
// methods, statics, a destructor observed through weak references), a host resource used
// through borrow and own handles, host functions, and results crossing both ways.
import host from "test:res/host@1.0.0";

// The guest's [dtor] releases the instance behind a handle the host dropped; QuickJS
// frees an object as soon as its last reference goes (reference counting), so weak
// references show which counters are still alive (FinalizationRegistry callbacks do
// not run in the synchronous runtime).
const created = [];

class Counter {
  constructor(name, start) {
    this.label = name;
    this.current = start;
    created.push(new WeakRef(this));
  }
  inc(by) {
    this.current += by;
    return this.current;
  }
  value() {
    return this.current;
  }
  name() {
    return this.label;
  }
  static zero(name) {
    return new Counter(name, 0);
  }
  static merge(a, b) {
    return new Counter(`${a.label}+${b.label}`, a.current + b.current);
  }
}

export const counters = {
  Counter,
  live() {
    return created.filter((r) => r.deref() !== undefined).length;
  },
};

export function logWith(l, lines) {
  for (const line of lines) l.log(line);
  return l.count();
}

export function makeLogger(prefix) {
  const l = new host.Logger(prefix);
  l.log("created by the guest");
  return l;
}

export function consumeLogger(l) {
  l.log("consumed");
  const n = l.count();
  l[Symbol.dispose]();
  return n;
}

export function scratchLogger(prefix, msg) {
  const l = host.Logger.named(prefix);
  l.log(msg);
  const n = l.count();
  l[Symbol.dispose]();
  return n;
}

export function validate(v) {
  // host.check returns the ok value or throws the err payload.
  try {
    return host.check(v) * 10;
  } catch (e) {
    throw `host said: ${e}`;
  }
}

export function scaled(v) {
  return scale(v) + 1;
}

export function fail(msg) {
  throw new Error(msg);
}
