import { traceparentOf } from './ids.js';

/** W3C trace context (https://www.w3.org/TR/trace-context/): `00-<trace-id>-<parent-id>-<flags>`. */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export interface TraceContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly sampled: boolean;
}

export function parseTraceparent(value: string | undefined): TraceContext | undefined {
  if (value === undefined) return undefined;
  const m = TRACEPARENT.exec(value);
  if (m === null || /^0+$/.test(m[1]!) || /^0+$/.test(m[2]!)) return undefined;
  return { traceId: m[1]!, spanId: m[2]!, sampled: (parseInt(m[3]!, 16) & 1) === 1 };
}

/** A traceparent for a new span: a child of `parent` when given, else the root of a new trace. */
export function nextTraceparent(parent?: TraceContext): string {
  return traceparentOf(parent?.traceId, parent === undefined || parent.sampled);
}
