import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { cdk } from './cdk-modules.js';
import { InfraError } from './errors.js';
import { type Acknowledgement, WarehouseStack } from './warehouse-stack.js';
import type { WarehouseSettings } from './warehouse-settings.js';

/** A CloudFormation template as JSON. */
export interface CloudFormationTemplate {
  Description?: string;
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; [key: string]: unknown }>;
  Outputs?: Record<string, { Value: unknown; Description?: string }>;
  [section: string]: unknown;
}

/** How to synthesize. */
export interface SynthesisOptions {
  /** Run CDK's CloudFormation schema validation and fail on what it finds (10 s or more: the tests do, `plan` not). */
  validate?: boolean;
  /** Run the cdk-nag AwsSolutions rules (about a second) and report their findings. */
  nag?: boolean;
}

/** One cdk-nag finding that is not acknowledged. */
export interface NagFinding {
  rule: string;
  severity: string;
  description: string;
}

/** A synthesized warehouse: its template, and with `nag` the findings and the acknowledged rules. */
export interface SynthesizedWarehouse {
  stackName: string;
  template: CloudFormationTemplate;
  nag?: { findings: NagFinding[]; acknowledged: Acknowledgement[] };
}

/** The stack built in an app of its own, before synthesis (for assertions and cdk-nag). */
export function buildWarehouseStack(
  settings: WarehouseSettings,
  { validate = false }: SynthesisOptions = {},
): { app: App; stack: WarehouseStack } {
  const app = new cdk.App({
    outdir: mkdtempSync(join(tmpdir(), 'sparkify-cdk-')),
    analyticsReporting: false,
    builtinCloudFormationValidation: validate,
    context: {
      // Findings are read from the report and returned (or thrown) here; CDK itself must not print or throw.
      '@aws-cdk/core:failSynthOnValidationErrors': false,
      '@aws-cdk/core:validateAgainstDefaultRules': true,
    },
    // Bootstrapless: no bootstrap version rule, no asset buckets; adding a file asset would throw here, which keeps
    // `infra up` free of `cdk bootstrap`.
    defaultStackSynthesizer: new cdk.BootstraplessSynthesizer(),
  });
  return { app, stack: new WarehouseStack(app, settings) };
}

interface ValidationReport {
  pluginReports: {
    pluginName: string;
    violations: { ruleName: string; severity: string; description: string }[];
  }[];
}

/**
 * Synthesizes the warehouse stack offline (no AWS account, no credentials) into its CloudFormation template; with
 * `nag`, also runs cdk-nag's AwsSolutions pack and returns its findings instead of failing on them.
 */
export function synthesizeWarehouse(
  settings: WarehouseSettings,
  options: SynthesisOptions = {},
): SynthesizedWarehouse {
  return synthesizeStack(buildWarehouseStack(settings, options), options);
}

/** Synthesizes a stack built by `buildWarehouseStack` (see synthesizeWarehouse); the app's folder is removed. */
export function synthesizeStack(
  { app, stack }: { app: App; stack: WarehouseStack },
  options: SynthesisOptions = {},
): SynthesizedWarehouse {
  if (options.nag) {
    // CommonJS, loaded only when asked for (see cdk-modules.ts).
    const { AwsSolutionsChecks } = createRequire(import.meta.url)('cdk-nag') as typeof import('cdk-nag');
    cdk.Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  }
  try {
    app.synth();
    let report: ValidationReport | undefined;
    try {
      report = JSON.parse(
        readFileSync(join(app.outdir, 'validation-report.json'), 'utf8'),
      ) as ValidationReport;
    } catch {
      report = undefined; // no plugin ran, or none found anything
    }
    const schemaProblems = (report?.pluginReports ?? [])
      .filter((plugin) => plugin.pluginName !== 'AwsSolutions')
      .flatMap((plugin) => plugin.violations);
    if (schemaProblems.length > 0) {
      throw new InfraError(
        'TEMPLATE_INVALID',
        `the synthesized template fails CloudFormation validation:\n${schemaProblems
          .map((problem) => `${problem.ruleName}: ${problem.description}`)
          .join('\n')}`,
      );
    }
    const template = JSON.parse(
      readFileSync(join(app.outdir, `${stack.stackName}.template.json`), 'utf8'),
    ) as CloudFormationTemplate;
    const result: SynthesizedWarehouse = { stackName: stack.stackName, template };
    if (options.nag) {
      const findings = (report?.pluginReports ?? [])
        .filter((plugin) => plugin.pluginName === 'AwsSolutions')
        .flatMap((plugin) => plugin.violations)
        .map((violation) => ({
          rule: violation.ruleName,
          severity: violation.severity,
          description: violation.description,
        }));
      result.nag = { findings, acknowledged: stack.acknowledgements };
    }
    return result;
  } finally {
    rmSync(app.outdir, { recursive: true, force: true });
  }
}
