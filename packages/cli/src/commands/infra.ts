import { type Command, Option } from 'commander';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../errors.js';
import { type CommandScope, runWithConfig } from '../run-command.js';
import { copyLocationsFrom, type InfraCommandOptions, warehouseInput } from './infra-settings.js';

type InfraModule = typeof import('@sparkify/infra');

// aws-cdk-lib is loaded only by the infra commands, so that every other command starts as fast as before.
async function loadInfra(): Promise<InfraModule> {
  return import('@sparkify/infra');
}

/** Turns an infra failure into a CLI error (exit 2) keeping its code; other errors pass through. */
function asCliError(infra: InfraModule, error: unknown): unknown {
  if (!(error instanceof infra.InfraError)) return error;
  return new CliError(error.message, ExitCode.cannotRun, error.code, { cause: error });
}

async function withInfra<T>(work: (infra: InfraModule) => Promise<T>): Promise<T> {
  const infra = await loadInfra();
  try {
    return await work(infra);
  } catch (error) {
    throw asCliError(infra, error);
  }
}

/** The settings and synthesized template that `plan` and `up` share. */
async function synthesize(infra: InfraModule, scope: CommandScope, options: InfraCommandOptions) {
  const { locations, notes } = copyLocationsFrom(options, scope.config);
  const settings = infra.warehouseSettings({
    ...warehouseInput(options),
    copyReads: infra.copyReadsFor(locations),
  });
  const synthesized = infra.synthesizeWarehouse(settings, { nag: true });
  return { settings, synthesized, notes };
}

async function plan(context: CliContext, options: InfraCommandOptions): Promise<void> {
  await runWithConfig(context, options, (scope) =>
    withInfra(async (infra) => {
      const { settings, synthesized, notes } = await synthesize(infra, scope, options);
      if (options.template) {
        scope.out(JSON.stringify(synthesized.template, null, 2));
        return;
      }
      const resources = Object.keys(synthesized.template.Resources).length;
      scope.out(
        `Stack ${synthesized.stackName} (${settings.shape}): ${resources} resources would be created. Nothing is created by plan.`,
      );
      scope.out('');
      for (const line of infra.summarizeTemplate(synthesized.template)) scope.out(`  ${line}`);
      scope.out('');
      const nag = synthesized.nag!;
      scope.out(
        `cdk-nag AwsSolutions: ${nag.findings.length === 0 ? 'no findings' : `${nag.findings.length} finding(s)`}` +
          (nag.acknowledged.length > 0 ? '; acknowledged on purpose:' : ''),
      );
      for (const finding of nag.findings)
        scope.out(`  ${finding.severity.toUpperCase()} ${finding.rule}: ${finding.description}`);
      for (const acknowledged of nag.acknowledged)
        scope.out(`  ${acknowledged.rule} (${acknowledged.path}): ${acknowledged.reason}`);
      scope.out('');
      for (const line of infra.formatCostEstimate(infra.estimateCost(settings))) scope.out(line);
      for (const note of notes) scope.err(`note: ${note}`);
      if (!settings.publiclyAccessible && !settings.vpcId)
        scope.err(
          'note: the warehouse is reachable only from inside its VPC; to load from this machine add ' +
            '--publicly-accessible --allow-cidr <your IP>/32, or deploy into your VPC with --vpc-id and --subnet-ids',
        );
      scope.out('');
      scope.out(
        'Deploy it with `sparkify infra up` and the same options (AWS credentials and AWS_REGION needed).',
      );
    }),
  );
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function addWarehouseOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--shape <shape>', 'serverless (default; free while idle) or provisioned').choices([
        'serverless',
        'provisioned',
      ]),
    )
    .option(
      '--source <s3url>',
      'the data COPY reads (s3://bucket/prefix holding song_data/ and log_data/); also SPARKIFY_SOURCE',
    )
    .option('--song-data <s3url>', 'song data location (instead of --source; dwh.cfg SONG_DATA)')
    .option('--log-data <s3url>', 'log data location (instead of --source; dwh.cfg LOG_DATA)')
    .option('--manifest-prefix <s3url>', 'where the loader writes manifests; also SPARKIFY_MANIFEST_PREFIX')
    .option(
      '--source-kms-key <arn>',
      'the KMS key the source objects are encrypted with (the role may decrypt)',
    )
    .option('--allow-cidr <cidr>', 'admit port 5439 from this CIDR (repeatable; none by default)', collect)
    .option('--allow-security-group <id>', 'admit port 5439 from this security group (repeatable)', collect)
    .option(
      '--publicly-accessible',
      'give the warehouse a public endpoint (still only for --allow-cidr sources)',
    )
    .option('--vpc-id <id>', 'an existing VPC instead of a new one (with --subnet-ids)')
    .option(
      '--subnet-ids <ids>',
      'comma-separated subnets of --vpc-id (Serverless: three Availability Zones)',
    )
    .option('--base-capacity <rpu>', 'serverless: base capacity in RPUs (8 to 512, steps of 8)', '8')
    .option('--node-type <type>', 'provisioned: node type', 'ra3.large')
    .option('--nodes <n>', 'provisioned: number of nodes', '1')
    .option('--database <name>', 'database name', 'dev')
    .option(
      '--admin-user <name>',
      'admin user (its password is generated into Secrets Manager)',
      'sparkify_admin',
    );
}

const ENVIRONMENT_OPTION = [
  '-e, --environment <name>',
  'environment: the stack is sparkify-<name>',
  'dev',
] as const;

/** `sparkify infra plan|up|status|down`: the Redshift warehouse, its COPY role and network as code. */
export function registerInfraCommand(program: Command, context: CliContext): void {
  const infra = program
    .command('infra')
    .description('the Redshift warehouse, its COPY role and network as code: plan, up, status, down')
    .addHelpText(
      'after',
      `
One CloudFormation stack per environment (sparkify-<name>), synthesized with the AWS CDK: Redshift Serverless
(default) or a provisioned cluster, encrypted with its own KMS key, TLS required, enhanced VPC routing, audit
logs to CloudWatch, the admin password generated by Redshift into Secrets Manager, a COPY role that may read
only the configured prefixes, and a security group that admits nobody until you name who.

Examples:
  $ sparkify infra plan --source s3://my-bucket/sparkify/ --manifest-prefix s3://my-bucket/manifests/
  $ sparkify infra plan --shape provisioned --template > template.json`,
    );
  addWarehouseOptions(
    infra
      .command('plan')
      .description(
        'synthesize offline (no AWS account needed) and show what would be created, cdk-nag and the cost',
      )
      .option(...ENVIRONMENT_OPTION)
      .option('--template', 'print the CloudFormation template (JSON) instead of the summary'),
  ).action(async (_options: InfraCommandOptions, command: Command) => {
    await plan(context, command.optsWithGlobals<InfraCommandOptions>());
  });
}
