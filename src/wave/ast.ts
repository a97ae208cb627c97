/**
 * Untyped WAVE syntax: what the text says before a type gives it meaning
 * (a label may be an enum case, a variant case or a flag; a number may be
 * any integer or float type).
 */
import type { Span } from "./errors.js";

export interface LabelNode {
  kind: "label";
  /** The label without a leading `%`. */
  name: string;
  /** Written with `%` (needed for case names that are WAVE keywords). */
  escaped: boolean;
  span: Span;
}

export type WaveNode =
  | { kind: "number"; text: string; span: Span }
  | { kind: "bool"; value: boolean; span: Span }
  | { kind: "char"; value: string; span: Span }
  | { kind: "string"; value: string; span: Span }
  | LabelNode
  /** `case(payload)` */
  | { kind: "case"; label: LabelNode; payload: WaveNode; span: Span }
  | { kind: "some"; payload: WaveNode; span: Span }
  | { kind: "none"; span: Span }
  | { kind: "ok" | "err"; payload?: WaveNode; span: Span }
  | { kind: "tuple" | "list"; items: WaveNode[]; span: Span }
  /** `{a: 1, b: 2}`, or `{:}` with no fields. */
  | { kind: "record"; fields: { label: LabelNode; value: WaveNode }[]; span: Span }
  /** `{a, b}` or `{}`. */
  | { kind: "flags"; flags: LabelNode[]; span: Span };

/** A parsed `name(arg, ...)`. */
export interface WaveCall {
  name: string;
  nameSpan: Span;
  args: WaveNode[];
  /** The span of `(...)`. */
  argsSpan: Span;
}

/** WAVE keywords: a variant or enum case with one of these names is written with `%`. */
export const KEYWORDS: ReadonlySet<string> = new Set(["true", "false", "some", "none", "ok", "err", "inf", "nan"]);
