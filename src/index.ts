export type { IrDocument } from "@witgen/runtime/ir";
