import { z } from 'zod';
import { checkDefinition, type CheckSpec, checkTypes, isCheckType } from './check-registry.js';
import { checkNameSchema } from './checks/check-definition.js';
import { QualityError } from './errors.js';

/** A validated checks file: whether to keep the default suite, which default checks to drop, and more checks. */
export interface CheckConfig {
  /** Run the default suite as well (default true); a check with a default check's name replaces it. */
  defaults: boolean;
  exclude: string[];
  checks: CheckSpec[];
}

const fileSchema = z.strictObject({
  $schema: z.string().optional(),
  defaults: z.boolean().default(true),
  exclude: z.array(checkNameSchema).default([]),
  checks: z.array(z.unknown()).default([]),
});

function describeIssues(source: string, prefix: string, issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = [
      prefix,
      ...issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)),
    ]
      .join('')
      .replace(/^\./, '');
    return `${source}: ${path || '(top level)'}: ${issue.message}`;
  });
}

/**
 * Validates the text of a checks file (JSON); every problem is named with its path, and an unknown key or check
 * type is an error rather than a silent skip.
 * @example parseCheckConfig('{"checks":[{"type":"unique","table":"users","columns":["user_id"]}]}', 'checks.json')
 */
export function parseCheckConfig(text: string, source = 'checks file'): CheckConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new QualityError(
      'CHECK_CONFIG_INVALID',
      `${source} is not valid JSON: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const file = fileSchema.safeParse(raw);
  if (!file.success)
    throw new QualityError('CHECK_CONFIG_INVALID', describeIssues(source, '', file.error.issues).join('\n'));

  const problems: string[] = [];
  const checks: CheckSpec[] = [];
  file.data.checks.forEach((entry, index) => {
    const at = `checks[${index}]`;
    const type = (entry as { type?: unknown } | null)?.type;
    if (!isCheckType(type)) {
      const found = type === undefined ? 'no type' : `unknown check type ${JSON.stringify(type)}`;
      problems.push(`${source}: ${at}.type: ${found}; expected one of ${checkTypes.join(', ')}`);
      return;
    }
    const parsed = checkDefinition(type).schema.safeParse(entry);
    if (!parsed.success) {
      problems.push(...describeIssues(source, at, parsed.error.issues));
      return;
    }
    const spec = parsed.data;
    problems.push(...semanticProblems(spec).map((problem) => `${source}: ${at}: ${problem}`));
    checks.push(spec);
  });
  if (problems.length > 0) throw new QualityError('CHECK_CONFIG_INVALID', problems.join('\n'));
  return { defaults: file.data.defaults, exclude: file.data.exclude, checks };
}

/** Rules zod's shapes do not express: thresholds that contradict the severity, and each type's own rules. */
function semanticProblems(spec: CheckSpec): string[] {
  const problems: string[] = [];
  if (spec.severity === 'warn' && 'errorAbove' in spec && spec.errorAbove !== undefined) {
    problems.push('errorAbove has no effect with severity "warn"; drop it or use severity "error"');
  }
  problems.push(...(checkDefinition(spec.type).problems?.(spec) ?? []));
  return problems;
}
