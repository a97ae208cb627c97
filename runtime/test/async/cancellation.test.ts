import { describe, expect, it } from "vitest";
import {
  BLOCKED,
  CallbackCode,
  EventCode,
  SubtaskState,
  assertQuiescent,
  backpressureInc,
  packCallbackResult,
  subtaskCancel,
  subtaskDrop,
  taskCancel,
  taskReturn,
  waitableJoin,
  waitableSetDrop,
  waitableSetNew,
} from "../../src/async/index.js";
import {
  callFromHost,
  hostFunction,
  liftFunction,
  lowerFunction,
  Store,
  type FuncInst,
} from "../../src/task/index.js";
import { Trap } from "../../src/trap.js";
import { settle, setup } from "./helpers.js";

type Env = ReturnType<typeof setup>;

/** A callee that WAITs on an empty set until cancelled, then cancels itself (or, if `returnOnCancel`, returns). */
function waitingCallee(
  env: Env,
  log: string[],
  returnOnCancel = false,
): FuncInst {
  let ws = 0;
  return liftFunction({
    inst: env.inst,
    ft: { async: true, name: "callee" },
    opts: {
      async: true,
      memory: env.memory,
      callback: (event) => {
        log.push(`callee event ${event}`);
        waitableSetDrop(env.inst, ws);
        if (returnOnCancel)
          taskReturn(env.inst, { memory: env.memory, lift: () => [] }, []);
        else taskCancel(env.inst);
        return packCallbackResult(CallbackCode.EXIT);
      },
    },
    core: () => {
      ws = waitableSetNew(env.inst);
      return packCallbackResult(CallbackCode.WAIT, ws);
    },
    lowerParams: () => [],
  });
}

function callerOf(
  env: Env,
  callee: FuncInst,
  body: (call: () => number) => number,
  callback: (e: number, p1: number, p2: number) => number = () => 0,
) {
  const call = lowerFunction({
    inst: env.inst,
    callee,
    ft: { async: true, name: "callee" },
    opts: { async: true },
    liftParams: () => [],
    lowerResults: () => [],
  });
  return liftFunction({
    inst: env.inst,
    ft: { async: true, name: "caller" },
    opts: { async: true, memory: env.memory, callback },
    core: () => body(() => (call() as number[])[0] as number),
    lowerParams: () => [],
  });
}

const noReturn = (env: Env) =>
  taskReturn(env.inst, { memory: env.memory, lift: () => [] }, []);

describe("cancellation across instances (Concurrency.md Cancellation)", () => {
  it("subtask.cancel delivers TASK_CANCELLED to a waiting callee, which cancels without blocking", async () => {
    const store = new Store();
    const callee = setup("callee", store);
    const caller = setup("caller", store);
    const log: string[] = [];
    let result = -1;
    const f = callerOf(caller, waitingCallee(callee, log), (call) => {
      const packed = call();
      expect(packed & 0xf).toBe(SubtaskState.STARTED);
      log.push("caller cancels");
      result = subtaskCancel(caller.inst, false, packed >>> 4);
      subtaskDrop(caller.inst, packed >>> 4);
      noReturn(caller);
      return packCallbackResult(CallbackCode.EXIT);
    });
    await callFromHost(f, []).result;
    expect(log).toEqual([
      "caller cancels",
      `callee event ${EventCode.TASK_CANCELLED}`,
    ]);
    expect(result).toBe(SubtaskState.CANCELLED_BEFORE_RETURNED);
    assertQuiescent(caller.inst);
    assertQuiescent(callee.inst);
  });

  it("a callee may ignore cancellation and return a value: the caller sees RETURNED", async () => {
    const store = new Store();
    const callee = setup("callee", store);
    const caller = setup("caller", store);
    const log: string[] = [];
    let result = -1;
    const f = callerOf(caller, waitingCallee(callee, log, true), (call) => {
      const packed = call();
      result = subtaskCancel(caller.inst, true, packed >>> 4);
      subtaskDrop(caller.inst, packed >>> 4);
      noReturn(caller);
      return packCallbackResult(CallbackCode.EXIT);
    });
    await callFromHost(f, []).result;
    expect(result).toBe(SubtaskState.RETURNED);
  });

  it("an async subtask.cancel that cannot finish at once returns BLOCKED; the SUBTASK event follows", async () => {
    const env = setup();
    let finishCancel!: () => void;
    const slowToCancel = hostFunction(
      (_args, control) =>
        new Promise<unknown[] | undefined>((resolve) => {
          control.onCancel(() => (finishCancel = () => resolve(undefined)));
        }),
    );
    const events: number[][] = [];
    let cancelResult = -1;
    let ws = 0;
    const f = callerOf(
      env,
      slowToCancel,
      (call) => {
        const i = call() >>> 4;
        ws = waitableSetNew(env.inst);
        waitableJoin(env.inst, i, ws);
        cancelResult = subtaskCancel(env.inst, true, i);
        expectTrapMessage(
          () => subtaskCancel(env.inst, true, i),
          /cancellation was already requested/,
        );
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
    const call = callFromHost(f, []);
    expect(cancelResult).toBe(BLOCKED);
    finishCancel();
    await call.result;
    expect(events).toEqual([
      [EventCode.SUBTASK, 1, SubtaskState.CANCELLED_BEFORE_RETURNED],
    ]);
    assertQuiescent(env.inst);
  });
});

function expectTrapMessage(f: () => unknown, m: RegExp): void {
  expect(f).toThrow(Trap);
  expect(f).toThrow(m);
}

describe("backpressure seen from the caller", () => {
  it("a call held by backpressure is STARTING; cancelling it gives CANCELLED_BEFORE_STARTED", async () => {
    const store = new Store();
    const callee = setup("callee", store);
    const caller = setup("caller", store);
    let started = false;
    const calleeFn = liftFunction({
      inst: callee.inst,
      ft: { async: true },
      opts: { async: true, memory: callee.memory, callback: () => 0 },
      core: () => {
        started = true;
        return 0;
      },
      lowerParams: () => [],
    });
    backpressureInc(callee.inst);
    let packed = -1;
    let cancelled = -1;
    const f = callerOf(caller, calleeFn, (call) => {
      packed = call();
      cancelled = subtaskCancel(caller.inst, false, packed >>> 4);
      subtaskDrop(caller.inst, packed >>> 4);
      noReturn(caller);
      return packCallbackResult(CallbackCode.EXIT);
    });
    await callFromHost(f, []).result;
    expect(packed & 0xf).toBe(SubtaskState.STARTING);
    expect(packed >>> 4).toBe(1);
    expect(cancelled).toBe(SubtaskState.CANCELLED_BEFORE_STARTED);
    expect(started).toBe(false);
    assertQuiescent(callee.inst);
    assertQuiescent(caller.inst);
  });
});

describe("traps in the event loop", () => {
  it("a trap raised in a resumed callback rejects the host call and locks the instance down", async () => {
    const env = setup();
    let ws = 0;
    const f = liftFunction({
      inst: env.inst,
      ft: { async: true, name: "bad" },
      opts: {
        async: true,
        memory: env.memory,
        callback: () => packCallbackResult(15 as never),
      },
      core: () => {
        ws = waitableSetNew(env.inst);
        return packCallbackResult(CallbackCode.YIELD);
      },
      lowerParams: () => [],
    });
    const call = callFromHost(f, []);
    await expect(call.result).rejects.toThrow(/unknown callback code 15/);
    expect(env.inst.poisoned).toBeInstanceOf(Trap);
    await expect(callFromHost(f, []).result).rejects.toThrow(
      /the instance trapped earlier/,
    );
    expect(ws).toBe(1);
  });
});
