/**
 * Stream elements that are handles, through a real WAT component (CanonicalABI.md "Stream
 * State": copying lifts the elements out of the writer's instance and lowers them into the
 * reader's): resources moved through a `stream<own<r>>` in both directions, and a
 * `stream<stream<u8>>` whose inner stream the host then reads.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { compileComponent, GuestResource, streamFrom, type CompiledComponent, type StreamReader } from "@witgen/runtime";
import { debugState } from "../../src/async/debug.js";
import { buildWatComponent } from "../../../test/support/build-component.js";
import { STREAM_ELEMENTS_WAT as WAT } from "./stream-elements-guest.js";

describe("link: handles as stream elements", () => {
  let compiled: CompiledComponent;
  beforeAll(async () => {
    compiled = await compileComponent(await buildWatComponent(WAT));
  });

  it("resources move out through a stream<own<r>> and back in; the guest drops what it took", async () => {
    const { exports, state } = compiled.instantiateSync({});
    const R = exports.R as new (v: number) => GuestResource & { value(): number };
    const out = (await exports.make(3)) as StreamReader<GuestResource & { value(): number }>;
    const got: (GuestResource & { value(): number })[] = [];
    for await (const r of out) got.push(r);
    expect(got.map((r) => r.value())).toEqual([100, 101, 102]);
    expect(got.every((r) => r instanceof R)).toBe(true);
    // Back in, with one the host made: the guest sums the reps and drops each (its destructor runs).
    const back = [...got, new R(7)];
    expect(await exports.sum(streamFrom(back))).toBe(100 + 101 + 102 + 7);
    expect(exports.dropped()).toBe(100 + 101 + 102 + 7);
    // Moved into the component: the JS objects no longer own a handle.
    expect(() => got[0]!.value()).toThrow(/moved|dropped/);
    expect(state.handles.size).toBe(0);
    expect(debugState(state).pendingCopies).toBe(0);
  });

  it("a stream<stream<u8>>: the host reads the inner stream it received through the outer one", async () => {
    const { exports, state } = compiled.instantiateSync({});
    const outer = (await exports.nest()) as StreamReader<StreamReader<number, Uint8Array>>;
    const inners: StreamReader<number, Uint8Array>[] = [];
    for await (const inner of outer) inners.push(inner);
    expect(inners).toHaveLength(1);
    const bytes: number[] = [];
    for await (const chunk of inners[0]!) bytes.push(...chunk);
    expect(bytes).toEqual([1, 2, 3]);
    expect(state.handles.size).toBe(0);
  });
});
