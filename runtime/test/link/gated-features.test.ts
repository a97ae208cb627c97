/**
 * Component-level start functions and value definitions are 🪙-gated in Explainer.md (not in the
 * MVP): a component using them is refused at instantiation with a LinkError that names the
 * feature and the byte offset of the section.
 */
import { expect, it } from "vitest";
import { compileComponent, LinkError } from "@witgen/runtime";
import { buildWatComponent } from "../../../test/support/build-component.js";

it("a component start function is refused naming the 🪙 feature and the section's offset", async () => {
  const bytes = await buildWatComponent(`(component
    (core module $M (func (export "f")))
    (core instance $m (instantiate $M))
    (func $f (canon lift (core func $m "f")))
    (start $f))`);
  const compiled = await compileComponent(bytes);
  let error: unknown;
  try {
    compiled.instantiateSync({});
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(LinkError);
  expect((error as Error).message).toMatch(/component start functions \(a 🪙 feature of Explainer.md, "Start Definitions", not in the MVP\) are not supported/);
  // The offset is the start section's: its id (9) is the byte there.
  expect(bytes[(error as LinkError).offset]).toBe(9);
});
