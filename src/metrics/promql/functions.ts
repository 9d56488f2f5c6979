/**
 * PromQL functions on instant vectors and scalars (abs, ceil, floor, round, clamp_min, clamp_max,
 * time, vector, scalar) and the dispatch of range functions to range.ts. Like Prometheus, every
 * function that returns a vector computed from its input drops the metric name.
 */
import type { Labels } from '../types.ts'
import type { Call } from './ast.ts'
import { PromqlError } from './errors.ts'
import { dropMetricName, emptyLabels } from './format.ts'
import { evalRangeFunction, rangeFunctions } from './range.ts'
import {
  assertUniqueLabels,
  scalarArg,
  vectorArg,
  type EvalContext,
  type Value,
  type VSample,
} from './series.ts'

function mapVector(samples: VSample[], pos: number, f: (v: number) => number): Value {
  const out: VSample[] = samples.map((s) => ({ labels: dropMetricName(s.labels), v: f(s.v) }))
  assertUniqueLabels(out, pos)
  return { kind: 'vector', samples: out }
}

/** evalCall evaluates a function call at step time t. */
export function evalCall(ctx: EvalContext, call: Call, t: number): Value {
  if (call.func in rangeFunctions) return evalRangeFunction(ctx, call, t)
  const args = call.args
  switch (call.func) {
    case 'time':
      return { kind: 'scalar', v: t / 1000 }
    case 'vector': {
      const labels: Labels = emptyLabels
      return { kind: 'vector', samples: [{ labels, v: scalarArg(ctx, args[0]!, t) }] }
    }
    case 'scalar': {
      const samples = vectorArg(ctx, args[0]!, t)
      return { kind: 'scalar', v: samples.length === 1 ? samples[0]!.v : NaN }
    }
    case 'abs':
      return mapVector(vectorArg(ctx, args[0]!, t), call.pos, Math.abs)
    case 'ceil':
      return mapVector(vectorArg(ctx, args[0]!, t), call.pos, Math.ceil)
    case 'floor':
      return mapVector(vectorArg(ctx, args[0]!, t), call.pos, Math.floor)
    case 'round': {
      const samples = vectorArg(ctx, args[0]!, t)
      const toNearest = args[1] ? scalarArg(ctx, args[1], t) : 1
      // Prometheus inverts first, as that causes fewer floating point accuracy issues.
      const inverse = 1 / toNearest
      return mapVector(samples, call.pos, (v) => Math.floor(v * inverse + 0.5) / inverse)
    }
    case 'clamp_min': {
      const samples = vectorArg(ctx, args[0]!, t)
      const min = scalarArg(ctx, args[1]!, t)
      return mapVector(samples, call.pos, (v) => Math.max(min, v))
    }
    case 'clamp_max': {
      const samples = vectorArg(ctx, args[0]!, t)
      const max = scalarArg(ctx, args[1]!, t)
      return mapVector(samples, call.pos, (v) => Math.min(max, v))
    }
    default:
      throw new PromqlError(`unsupported function ${JSON.stringify(call.func)}`, call.pos)
  }
}
