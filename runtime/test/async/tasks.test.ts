import { describe, expect, it } from "vitest";
import {
  BLOCKED,
  CallbackCode,
  CopyResult,
  EventCode,
  SubtaskState,
  backpressureDec,
  backpressureInc,
  contextGet,
  contextSet,
  debugState,
  assertQuiescent,
  lowerStream,
  newHostStream,
  packCallbackResult,
  packCopyResult,
  streamDropReadable,
  streamRead,
  subtaskCancel,
  subtaskDrop,
  taskCancel,
  taskReturn,
  threadYield,
  u8Codec,
  waitableJoin,
  waitableSetDrop,
  waitableSetNew,
  type CoreValue,
  type TaskReturnSignature,
} from "../../src/async/index.js";
import {
  callFromHost,
  hostFunction,
  liftFunction,
  lowerFunction,
  type FuncInst,
  type Subtask,
} from "../../src/task/index.js";
import { settle, setup } from "./helpers.js";

type Env = ReturnType<typeof setup>;

/** A callback-lifted `async func(...) -> u32` whose core and callback are JS closures standing in for wasm. */
function liftCallback(
  env: Env,
  core: (...args: CoreValue[]) => number,
  callback: (event: number, p1: number, p2: number) => number,
  lowerParams: (args: unknown[]) => CoreValue[] = () => [],
): FuncInst {
  return liftFunction({
    inst: env.inst,
    ft: { async: true, resultTypeKey: "u32", name: "run" },
    opts: { async: true, memory: env.memory, callback },
    core,
    lowerParams: (_task, args) => lowerParams(args),
  });
}

const u32Return = (env: Env): TaskReturnSignature => ({
  resultTypeKey: "u32",
  memory: env.memory,
  lift: (flat) => [flat[0]],
});

describe("callback-lifted tasks driven by the store (CanonicalABI.md canon lift)", () => {
  it("WAITs on a stream read fed by a host writer, then returns the byte count", async () => {
    const env = setup();
    const { inst, asyncOpts } = env;
    const { shared, writer } = newHostStream(u8Codec);
    let ws = 0;
    let r = 0;
    const events: number[][] = [];
    const f = liftCallback(
      env,
      (streamHandle) => {
        r = Number(streamHandle);
        expect(streamRead(inst, u8Codec, asyncOpts, r, 1000, 100)).toBe(
          BLOCKED,
        );
        ws = waitableSetNew(inst);
        waitableJoin(inst, r, ws);
        return packCallbackResult(CallbackCode.WAIT, ws);
      },
      (event, p1, p2) => {
        events.push([event, p1, p2]);
        taskReturn(inst, u32Return(env), [p2 >>> 4]);
        waitableJoin(inst, r, 0);
        waitableSetDrop(inst, ws);
        streamDropReadable(inst, u8Codec, r);
        return packCallbackResult(CallbackCode.EXIT);
      },
      (args) => [lowerStream(inst, args[0] as never)],
    );
    const call = callFromHost(f, [shared]);
    await settle();
    expect(debugState(inst).waitingTasks).toBe(1);
    const written = writer.write(new TextEncoder().encode("hello"));
    expect(await call.result).toEqual([5]);
    expect(events).toEqual([
      [EventCode.STREAM_READ, r, packCopyResult(CopyResult.COMPLETED, 5)],
    ]);
    expect(await written).toEqual({ result: CopyResult.COMPLETED, count: 5 });
    expect(new TextDecoder().decode(env.bytes().subarray(1000, 1005))).toBe(
      "hello",
    );
    assertQuiescent(inst);
  });

  it("YIELD lets other tasks of the store run in between", async () => {
    const env = setup();
    const order: string[] = [];
    const make = (name: string) => {
      let n = 0;
      return liftFunction({
        inst: env.inst,
        ft: { async: true, name },
        opts: {
          async: true,
          memory: env.memory,
          callback: (event) => {
            expect(event).toBe(EventCode.NONE);
            order.push(`${name}${++n}`);
            if (n < 3) return packCallbackResult(CallbackCode.YIELD);
            taskReturn(env.inst, { memory: env.memory, lift: () => [] }, []);
            return packCallbackResult(CallbackCode.EXIT);
          },
        },
        core: () => {
          order.push(`${name}0`);
          return packCallbackResult(CallbackCode.YIELD);
        },
        lowerParams: () => [],
      });
    };
    const a = callFromHost(make("a"), []);
    const b = callFromHost(make("b"), []);
    await Promise.all([a.result, b.result]);
    expect(order).toEqual(["a0", "b0", "a1", "b1", "a2", "b2", "a3", "b3"]);
    assertQuiescent(env.inst);
  });

  it("context.get/set keep per-task storage", async () => {
    const env = setup();
    const f = liftCallback(
      env,
      () => {
        contextSet(env.inst, 0, 77);
        return packCallbackResult(CallbackCode.YIELD);
      },
      () => {
        taskReturn(env.inst, u32Return(env), [contextGet(env.inst, 0)]);
        return packCallbackResult(CallbackCode.EXIT);
      },
    );
    expect(await callFromHost(f, []).result).toEqual([77]);
  });

  it("backpressure holds new tasks until it is released", async () => {
    const env = setup();
    let started = 0;
    const f = liftCallback(
      env,
      () => {
        started++;
        taskReturn(env.inst, u32Return(env), [started]);
        return packCallbackResult(CallbackCode.EXIT);
      },
      () => 0,
    );
    backpressureInc(env.inst);
    const call = callFromHost(f, []);
    await settle();
    expect(started).toBe(0);
    expect(debugState(env.inst)).toMatchObject({
      waitingTasks: 1,
      backpressure: 1,
    });
    backpressureDec(env.inst);
    expect(await call.result).toEqual([1]);
    expect(() => backpressureDec(env.inst)).toThrow(/already 0/);
  });

  it("a task waiting on backpressure can be cancelled before it starts", async () => {
    const env = setup();
    const f = liftCallback(
      env,
      () => packCallbackResult(CallbackCode.EXIT),
      () => 0,
    );
    backpressureInc(env.inst);
    const call = callFromHost(f, []);
    call.cancel();
    expect(await call.result).toBeUndefined();
    expect(debugState(env.inst).waitingTasks).toBe(0);
  });

  it("cancellation is delivered to a waiting callback as TASK_CANCELLED, which may task.cancel", async () => {
    const env = setup();
    let ws = 0;
    const f = liftCallback(
      env,
      () => {
        ws = waitableSetNew(env.inst);
        return packCallbackResult(CallbackCode.WAIT, ws);
      },
      (event) => {
        expect(event).toBe(EventCode.TASK_CANCELLED);
        waitableSetDrop(env.inst, ws);
        taskCancel(env.inst);
        return packCallbackResult(CallbackCode.EXIT);
      },
    );
    const call = callFromHost(f, []);
    await settle();
    call.cancel();
    expect(await call.result).toBeUndefined();
    assertQuiescent(env.inst);
  });

  it("thread.yield on a core stack returns 0, or 1 once for a pending cancellation", async () => {
    const env = setup();
    const seen: number[] = [];
    let ws = 0;
    let call: ReturnType<typeof callFromHost> | undefined;
    const f = liftCallback(
      env,
      () => {
        seen.push(threadYield(env.inst, true));
        ws = waitableSetNew(env.inst);
        return packCallbackResult(CallbackCode.YIELD);
      },
      (event) => {
        // The cancel below arrives while this callback runs (the instance is busy): it stays pending.
        if (event === EventCode.NONE) {
          call!.cancel();
          seen.push(
            threadYield(env.inst, false),
            threadYield(env.inst, true),
            threadYield(env.inst, true),
          );
          waitableSetDrop(env.inst, ws);
          taskCancel(env.inst);
          return packCallbackResult(CallbackCode.EXIT);
        }
        throw new Error("unexpected event");
      },
    );
    call = callFromHost(f, []);
    expect(await call.result).toBeUndefined();
    expect(seen).toEqual([0, 0, 1, 0]);
  });
});

describe("sync lifts (CanonicalABI.md canon lift, non-async options)", () => {
  it("returns the lifted core results and runs post-return with may_leave cleared", async () => {
    const env = setup();
    const seen: string[] = [];
    const f = liftFunction({
      inst: env.inst,
      ft: { async: false, name: "add" },
      opts: {
        async: false,
        memory: env.memory,
        postReturn: (r) => {
          seen.push(`post-return ${r}`);
          expect(() => waitableSetNew(env.inst)).toThrow(/may not leave/);
        },
      },
      core: (a, b) => Number(a) + Number(b),
      lowerParams: (_task, args) => args as number[],
      liftResults: (_task, flat) => flat,
    });
    expect(await callFromHost(f, [2, 3]).result).toEqual([5]);
    expect(seen).toEqual(["post-return 5"]);
    expect(env.inst.mayLeave).toBe(true);
  });
});

describe("subtasks (CanonicalABI.md canon lower, Subtask State)", () => {
  /** A caller task that runs `body` as its core function and returns whatever `onEvent` decides. */
  function caller(
    env: Env,
    body: () => number,
    onEvent: (e: number, p1: number, p2: number) => number,
  ) {
    return liftFunction({
      inst: env.inst,
      ft: { async: true, name: "caller" },
      opts: { async: true, memory: env.memory, callback: onEvent },
      core: body,
      lowerParams: () => [],
    });
  }
  const noReturn = (env: Env) =>
    taskReturn(env.inst, { memory: env.memory, lift: () => [] }, []);

  it("an async-lowered call that blocks returns STARTED | index << 4 and later a SUBTASK RETURNED event", async () => {
    const env = setup();
    let resolveHost!: (v: unknown[]) => void;
    const hostImpl = hostFunction(
      () => new Promise<unknown[]>((res) => (resolveHost = res)),
    );
    const results: unknown[] = [];
    const call = lowerFunction({
      inst: env.inst,
      callee: hostImpl,
      ft: { async: true, name: "fetch" },
      opts: { async: true },
      liftParams: () => [],
      lowerResults: (_s: Subtask, result) => {
        results.push(...result);
        return [];
      },
    });
    let packed = 0;
    let ws = 0;
    const events: number[][] = [];
    const f = caller(
      env,
      () => {
        [packed] = call() as number[];
        ws = waitableSetNew(env.inst);
        waitableJoin(env.inst, packed >>> 4, ws);
        return packCallbackResult(CallbackCode.WAIT, ws);
      },
      (e, p1, p2) => {
        events.push([e, p1, p2]);
        subtaskDrop(env.inst, p1);
        waitableSetDrop(env.inst, ws);
        noReturn(env);
        return packCallbackResult(CallbackCode.EXIT);
      },
    );
    const done = callFromHost(f, []).result;
    expect(packed & 0xf).toBe(SubtaskState.STARTED);
    const index = packed >>> 4;
    expect(index).toBeGreaterThan(0);
    resolveHost(["ok"]);
    await done;
    expect(events).toEqual([[EventCode.SUBTASK, index, SubtaskState.RETURNED]]);
    expect(results).toEqual(["ok"]);
    assertQuiescent(env.inst);
  });

  it("a call that finishes at once returns RETURNED and creates no handle", async () => {
    const env = setup();
    const call = lowerFunction({
      inst: env.inst,
      callee: hostFunction(() => [1]),
      ft: { async: true },
      opts: { async: true },
      liftParams: () => [],
      lowerResults: () => [],
    });
    let r: CoreValue[] = [];
    const f = caller(
      env,
      () => {
        r = call();
        noReturn(env);
        return packCallbackResult(CallbackCode.EXIT);
      },
      () => 0,
    );
    await callFromHost(f, []).result;
    expect(r).toEqual([SubtaskState.RETURNED]);
    assertQuiescent(env.inst);
  });

  it("subtask.cancel of a started host call returns CANCELLED_BEFORE_RETURNED", async () => {
    const env = setup();
    const call = lowerFunction({
      inst: env.inst,
      // No cancel handler: a cancel request ends the host call as cancelled at once.
      callee: hostFunction(() => new Promise<unknown[]>(() => {})),
      ft: { async: true },
      opts: { async: true },
      liftParams: () => [],
      lowerResults: () => [],
    });
    let state = -1;
    const f = caller(
      env,
      () => {
        const [packed] = call() as number[];
        state = subtaskCancel(env.inst, false, packed >>> 4);
        expect(() => subtaskCancel(env.inst, false, packed >>> 4)).toThrow(
          /already resolved/,
        );
        subtaskDrop(env.inst, packed >>> 4);
        noReturn(env);
        return packCallbackResult(CallbackCode.EXIT);
      },
      () => 0,
    );
    await callFromHost(f, []).result;
    expect(state).toBe(SubtaskState.CANCELLED_BEFORE_RETURNED);
    assertQuiescent(env.inst);
  });

  it("guest-to-guest: an async call into a callback-lifted export of another instance", async () => {
    const callee = setup("callee");
    const callerEnv = setup("caller", callee.store);
    let ws = 0;
    // The callee waits once (YIELD) before returning 9.
    const calleeFn = liftCallback(
      callee,
      () => packCallbackResult(CallbackCode.YIELD),
      () => {
        taskReturn(callee.inst, u32Return(callee), [9]);
        return packCallbackResult(CallbackCode.EXIT);
      },
    );
    const got: unknown[] = [];
    const call = lowerFunction({
      inst: callerEnv.inst,
      callee: calleeFn,
      ft: { async: true },
      opts: { async: true },
      liftParams: () => [],
      lowerResults: (_s, result) => {
        got.push(...result);
        return [];
      },
    });
    const events: number[][] = [];
    const f = caller(
      callerEnv,
      () => {
        const [packed] = call() as number[];
        expect(packed & 0xf).toBe(SubtaskState.STARTED);
        ws = waitableSetNew(callerEnv.inst);
        waitableJoin(callerEnv.inst, packed >>> 4, ws);
        return packCallbackResult(CallbackCode.WAIT, ws);
      },
      (e, p1, p2) => {
        events.push([e, p1, p2]);
        subtaskDrop(callerEnv.inst, p1);
        waitableSetDrop(callerEnv.inst, ws);
        noReturn(callerEnv);
        return packCallbackResult(CallbackCode.EXIT);
      },
    );
    await callFromHost(f, []).result;
    expect(got).toEqual([9]);
    expect(events).toEqual([[EventCode.SUBTASK, 1, SubtaskState.RETURNED]]);
    assertQuiescent(callerEnv.inst);
    assertQuiescent(callee.inst);
  });
});
