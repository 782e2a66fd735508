import { z } from 'zod';
import type { Check } from '../check.js';

/** A table or column name as a checks file may write it. */
export const identifier = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,126}$/, 'a lower-case identifier (letters, digits, _), as Redshift folds case');

/** A check's name: what results are stored and reported by. */
export const checkNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'a name of 1-128 letters, digits, _ . : -');

/** The fields every check type takes besides its own: name, description, severity and thresholds. */
export const commonFields = {
  name: checkNameSchema.optional(),
  description: z.string().max(500).optional(),
  severity: z.enum(['error', 'warn']).optional(),
  warnAbove: z.number().int().min(0).optional(),
  errorAbove: z.number().int().min(0).optional(),
};

/** What a check type makes of a spec, before names, severities and thresholds are applied (buildCheck). */
export interface CheckShape {
  table: string | null;
  description: string;
  sql: string;
  keyColumns: string[];
  countExpression?: string;
  measure?: Check['measure'];
  defaultSeverity?: Check['severity'];
  /** For a check judged in TypeScript: `sql` then returns the figures (not failing rows), and this judges them. */
  judge?: CheckJudge;
}

/** What a judge knows besides the rows: the reference time ("now", or `--as-of`). */
export interface JudgeContext {
  now: Date;
}

/** A judge's verdict: status, how many things are wrong, a sentence with expected vs observed, and figures. */
export interface Judgement {
  status: 'pass' | 'warn' | 'fail';
  /** How many things the judge found wrong (0 when it passes): a stale table, an anomalous figure, a field. */
  failingRows: number;
  /** For a human: what was expected and what was observed, e.g. "1,204 NextSong events; the last 14 loads had …". */
  message: string;
  measure?: { label: string; value: number | null };
  /** The figures behind the verdict, stored like failing rows. */
  sample?: Record<string, unknown>[];
}

/**
 * Judges the rows of a check's query (figures such as the newest timestamp or each load's counts) against the
 * reference time and the history; pure, so tests give it a fixed clock.
 */
export type CheckJudge = (rows: readonly Record<string, unknown>[], context: JudgeContext) => Judgement;

/**
 * One check type, in one file under `src/checks/`: the zod schema of its spec as a checks file writes it, the
 * name a check gets when the spec gives none, and its SQL (the failing rows, and where it can be, the count
 * expression that lets the runner count it in a table's shared scan).
 */
export interface CheckDefinition<Spec extends { type: string } = { type: string }> {
  readonly schema: z.ZodType<Spec>;
  defaultName(spec: Spec): string;
  shape(spec: Spec): CheckShape;
  /** Rules the schema cannot express (contradictory bounds), each a sentence for the checks file's author. */
  problems?(spec: Spec): string[];
}

/** Declares a check type; the spec's type is inferred from the schema, so the other members are typed by it. */
export function defineCheck<Spec extends { type: string }>(
  definition: CheckDefinition<Spec>,
): CheckDefinition<Spec> {
  return definition;
}

/** The problem of bounds given the wrong way round, if they are. */
export function boundsProblems(min: number | undefined, max: number | undefined): string[] {
  return min !== undefined && max !== undefined && min > max ? [`min (${min}) is above max (${max})`] : [];
}
