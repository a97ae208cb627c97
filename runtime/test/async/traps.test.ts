/** Every rule of the async built-ins that ends in a trap, each checked for `Trap` and a message naming it. */
import { describe, expect, it } from "vitest";
import {
  BLOCKED,
  CallbackCode,
  futureDropWritable,
  futureNew,
  futureWrite,
  liftStream,
  packCallbackResult,
  scalarCodec,
  streamCancelRead,
  streamDropReadable,
  streamDropWritable,
  streamNew,
  streamRead,
  streamWrite,
  subtaskDrop,
  taskReturn,
  u8Codec,
  waitableJoin,
  waitableSetDrop,
  waitableSetNew,
  waitableSetWait,
  errorContextNew,
  type ElementCodec,
} from "../../src/async/index.js";
import {
  callFromHost,
  hostFunction,
  liftFunction,
  lowerFunction,
  type FuncInst,
} from "../../src/task/index.js";
import { Trap } from "../../src/trap.js";
import { ends, settle, setup } from "./helpers.js";

function expectTrap(f: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(Trap);
  expect((caught as Trap).message).toMatch(message);
  expect((caught as Trap).rule).toMatch(/CanonicalABI\.md|Concurrency\.md/);
}

/** Run `body` as the core function of a callback-lifted task, then EXIT after returning. */
async function inTask(
  env: ReturnType<typeof setup>,
  body: () => void,
  ft = { async: true },
): Promise<void> {
  const f = liftFunction({
    inst: env.inst,
    ft,
    opts: { async: true, memory: env.memory, callback: () => 0 },
    core: () => {
      body();
      taskReturn(env.inst, { memory: env.memory, lift: () => [] }, []);
      return packCallbackResult(CallbackCode.EXIT);
    },
    lowerParams: () => [],
  });
  await callFromHost(f, []).result;
}

describe("stream/future traps", () => {
  it("using a done stream", () => {
    const { inst, asyncOpts } = setup();
    const { r, w } = ends(streamNew(inst, u8Codec));
    streamDropWritable(inst, u8Codec, w);
    streamRead(inst, u8Codec, asyncOpts, r, 0, 1); // DROPPED: the end is done now
    expectTrap(
      () => streamRead(inst, u8Codec, asyncOpts, r, 0, 1),
      /stream\.read: handle 1 is done/,
    );
  });

  it("read while a read is pending", () => {
    const { inst, asyncOpts } = setup();
    const { r } = ends(streamNew(inst, u8Codec));
    expect(streamRead(inst, u8Codec, asyncOpts, r, 0, 1)).toBe(BLOCKED);
    expectTrap(
      () => streamRead(inst, u8Codec, asyncOpts, r, 0, 1),
      /already has a copy pending/,
    );
  });

  it("dropping an end with a pending copy", () => {
    const { inst, asyncOpts } = setup();
    const { w } = ends(streamNew(inst, u8Codec));
    streamWrite(inst, u8Codec, asyncOpts, w, 0, 1);
    expectTrap(
      () => streamDropWritable(inst, u8Codec, w),
      /cannot drop a stream writable end while a copy is pending/,
    );
  });

  it("dropping a writable future end before writing", () => {
    const { inst } = setup();
    const { w } = ends(futureNew(inst, u8Codec));
    expectTrap(
      () => futureDropWritable(inst, u8Codec, w),
      /cannot drop a future writable end before a value was written/,
    );
    expectTrap(
      () => streamDropWritable(inst, u8Codec, w),
      /not a stream writable end/,
    );
  });

  it("cancel without a pending copy", () => {
    const { inst } = setup();
    const { r } = ends(streamNew(inst, u8Codec));
    expectTrap(
      () => streamCancelRead(inst, u8Codec, true, r),
      /has no pending copy to cancel/,
    );
  });

  it("wrong handle type and wrong element type", () => {
    const { inst, asyncOpts } = setup();
    const { r, w } = ends(streamNew(inst, u8Codec));
    const ws = waitableSetNew(inst);
    expectTrap(
      () => streamRead(inst, u8Codec, asyncOpts, ws, 0, 1),
      /handle 3 is a waitable set, not a stream readable end/,
    );
    expectTrap(
      () => streamRead(inst, u8Codec, asyncOpts, w, 0, 1),
      /not a stream readable end/,
    );
    expectTrap(
      () => streamRead(inst, scalarCodec("u32"), asyncOpts, r, 0, 1),
      /carries u8 elements, the built-in is typed for u32/,
    );
    expectTrap(
      () => streamRead(inst, u8Codec, asyncOpts, 42, 0, 1),
      /invalid handle index 42/,
    );
    expectTrap(
      () => futureWrite(inst, u8Codec, asyncOpts, r, 0),
      /not a future writable end/,
    );
  });

  it("buffers out of bounds or misaligned", () => {
    const { inst, asyncOpts } = setup();
    const { r } = ends(streamNew(inst, u8Codec));
    expectTrap(
      () => streamRead(inst, u8Codec, asyncOpts, r, 65530, 10),
      /out of bounds of linear memory/,
    );
    const u32 = scalarCodec("u32");
    const s = ends(streamNew(inst, u32));
    expectTrap(
      () => streamRead(inst, u32, asyncOpts, s.r, 2, 1),
      /not 4-byte aligned/,
    );
    expectTrap(
      () => streamRead(inst, u32, asyncOpts, s.r, 0, 2 ** 28),
      /exceeds the maximum buffer length/,
    );
  });

  it("a synchronous copy on an end in a waitable set", () => {
    const { inst, syncOpts } = setup();
    const { r } = ends(streamNew(inst, u8Codec));
    waitableJoin(inst, r, waitableSetNew(inst));
    expectTrap(
      () => streamRead(inst, u8Codec, syncOpts, r, 0, 1),
      /synchronous copy on handle 1, which is in a waitable set/,
    );
  });

  it("copying non-number elements between ends of the same instance", () => {
    const { inst, asyncOpts } = setup();
    const handles: ElementCodec = {
      ...scalarCodec("u32"),
      typeKey: "own<r>",
      plain: false,
    };
    const { r, w } = ends(streamNew(inst, handles));
    streamWrite(inst, handles, asyncOpts, w, 0, 1);
    expectTrap(
      () => streamRead(inst, handles, asyncOpts, r, 0, 1),
      /same instance is not allowed/,
    );
  });

  it("lifting a stream end that is busy or in a waitable set", () => {
    const { inst, asyncOpts } = setup();
    const a = ends(streamNew(inst, u8Codec));
    streamRead(inst, u8Codec, asyncOpts, a.r, 0, 1);
    expectTrap(() => liftStream(inst, a.r, u8Codec), /has a copy pending/);
    const b = ends(streamNew(inst, u8Codec));
    waitableJoin(inst, b.r, waitableSetNew(inst));
    expectTrap(() => liftStream(inst, b.r, u8Codec), /is in a waitable set/);
  });
});

describe("waitable-set and subtask traps", () => {
  it("dropping a waitable set that has members", () => {
    const { inst } = setup();
    const { r } = ends(streamNew(inst, u8Codec));
    const ws = waitableSetNew(inst);
    waitableJoin(inst, r, ws);
    expectTrap(() => waitableSetDrop(inst, ws), /still contains 1 waitable/);
    expectTrap(
      () => waitableJoin(inst, ws, ws),
      /not a waitable \(subtask or stream\/future end\)/,
    );
  });

  it("dropping a waitable set a task is waiting on", async () => {
    const env = setup();
    let ws = 0;
    const f = liftFunction({
      inst: env.inst,
      ft: { async: true },
      opts: { async: true, memory: env.memory, callback: () => 0 },
      core: () => {
        ws = waitableSetNew(env.inst);
        return packCallbackResult(CallbackCode.WAIT, ws);
      },
      lowerParams: () => [],
    });
    callFromHost(f, []);
    await settle();
    expectTrap(
      () => waitableSetDrop(env.inst, ws),
      /1 task\(s\) are waiting on the set/,
    );
  });

  it("subtask.drop before the subtask resolved", async () => {
    const env = setup();
    const call = lowerFunction({
      inst: env.inst,
      callee: hostFunction(() => new Promise<unknown[]>(() => {})),
      ft: { async: true },
      opts: { async: true },
      liftParams: () => [],
      lowerResults: () => [],
    });
    await inTask(env, () => {
      const [packed] = call() as number[];
      expectTrap(
        () => subtaskDrop(env.inst, packed >>> 4),
        /has not resolved yet/,
      );
    });
  });
});

describe("task traps", () => {
  it("task.return twice, and with the wrong type or options", async () => {
    const env = setup();
    const checks: string[] = [];
    const f = liftFunction({
      inst: env.inst,
      ft: { async: true },
      opts: { async: true, memory: env.memory, callback: () => 0 },
      core: () => {
        expectTrap(
          () =>
            taskReturn(
              env.inst,
              { resultTypeKey: "u32", memory: env.memory, lift: () => [1] },
              [1],
            ),
          /result type u32 does not match the function's \(none\)/,
        );
        expectTrap(
          () => taskReturn(env.inst, { lift: () => [] }, []),
          /options differ/,
        );
        taskReturn(env.inst, { memory: env.memory, lift: () => [] }, []);
        expectTrap(
          () =>
            taskReturn(env.inst, { memory: env.memory, lift: () => [] }, []),
          /already returned/,
        );
        checks.push("done");
        return packCallbackResult(CallbackCode.EXIT);
      },
      lowerParams: () => [],
    });
    expect(await callFromHost(f, []).result).toEqual([]);
    expect(checks).toEqual(["done"]);
  });

  it("a task that exits without returning", async () => {
    const env = setup();
    const f = liftFunction({
      inst: env.inst,
      ft: { async: true, name: "lazy" },
      opts: { async: true, memory: env.memory, callback: () => 0 },
      core: () => packCallbackResult(CallbackCode.EXIT),
      lowerParams: () => [],
    });
    await expect(callFromHost(f, []).result).rejects.toThrow(
      /the task of 'lazy' finished without returning a value/,
    );
  });

  it("a callback returning an unknown code", async () => {
    const env = setup();
    const f = liftFunction({
      inst: env.inst,
      ft: { async: true },
      opts: { async: true, memory: env.memory, callback: () => 0 },
      core: () => 7,
      lowerParams: () => [],
    });
    await expect(callFromHost(f, []).result).rejects.toThrow(
      /unknown callback code 7/,
    );
  });

  it("calling a built-in while the instance may not leave", () => {
    const { inst } = setup();
    inst.mayLeave = false;
    expectTrap(
      () => streamNew(inst, u8Codec),
      /stream\.new: the instance may not leave here/,
    );
    expectTrap(() => waitableSetNew(inst), /may not leave/);
    expectTrap(
      () => errorContextNew(inst, { loadString: () => "" }, 0, 0),
      /may not leave/,
    );
  });

  it("reentering an instance whose core code is running", async () => {
    const env = setup();
    let self: FuncInst;
    const f = liftFunction({
      inst: env.inst,
      ft: { async: true, name: "outer" },
      opts: { async: true, memory: env.memory, callback: () => 0 },
      core: () => {
        self(
          () => [],
          () => {},
        );
        return 0;
      },
      lowerParams: () => [],
    });
    self = f;
    await expect(callFromHost(f, []).result).rejects.toThrow(
      /cannot call 'outer': its instance is already executing/,
    );
  });

  it("task built-ins outside a task of the instance", () => {
    const { inst, memory } = setup();
    expectTrap(
      () => taskReturn(inst, { lift: () => [] }, []),
      /no task of this instance is running/,
    );
    expectTrap(
      () => waitableSetWait(inst, false, memory, 1, 0),
      /no task of this instance is running/,
    );
  });
});

describe("blocking where the runtime cannot block", () => {
  it("waitable-set.wait with nothing pending", async () => {
    const env = setup();
    await inTask(env, () => {
      const ws = waitableSetNew(env.inst);
      expectTrap(
        () => waitableSetWait(env.inst, false, env.memory, ws, 0),
        /waitable-set\.wait would block.*stack switching/,
      );
      waitableSetDrop(env.inst, ws);
    });
  });

  it("a synchronous stream read with no writer", () => {
    const { inst, syncOpts } = setup();
    const { r } = ends(streamNew(inst, u8Codec));
    expectTrap(
      () => streamRead(inst, u8Codec, syncOpts, r, 0, 4),
      /stream\.read would block/,
    );
  });

  it("a sync-lowered call to an async host function that has not finished", async () => {
    const env = setup();
    const call = lowerFunction({
      inst: env.inst,
      callee: hostFunction(() => new Promise<unknown[]>(() => {})),
      ft: { async: true, name: "slow" },
      opts: { async: false },
      liftParams: () => [],
      lowerResults: () => [],
    });
    await inTask(env, () =>
      expectTrap(() => call(), /synchronous call to 'slow' would block/),
    );
  });

  it("a non-async function that blocks", async () => {
    const env = setup();
    const f = liftFunction({
      inst: env.inst,
      ft: { async: false, name: "sync-fn" },
      opts: { async: false, memory: env.memory },
      core: () =>
        waitableSetWait(
          env.inst,
          false,
          env.memory,
          waitableSetNew(env.inst),
          0,
        ),
      lowerParams: () => [],
      liftResults: (_task, flat) => flat,
    });
    await expect(callFromHost(f, []).result).rejects.toThrow(
      /waitable-set\.wait would block inside a non-async function/,
    );
  });

  it("canonopt validation: async lift of a non-async function type is refused up front", () => {
    const env = setup();
    expect(() =>
      liftFunction({
        inst: env.inst,
        ft: { async: false, name: "f" },
        opts: { async: true, callback: () => 0 },
        core: () => 0,
        lowerParams: () => [],
      }),
    ).toThrow(
      /canon lift of 'f': the async option needs an async function type/,
    );
  });
});

it("a read with no reader in sight is not a trap when async", () => {
  const { inst, asyncOpts } = setup();
  const { r } = ends(streamNew(inst, u8Codec));
  expect(streamRead(inst, u8Codec, asyncOpts, r, 0, 4)).toBe(BLOCKED);
  expect(() => streamDropReadable(inst, u8Codec, r)).toThrow(Trap);
});
