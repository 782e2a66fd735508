import { createInterface } from 'node:readline/promises';
import { type Command, Option } from 'commander';
import type { StackProgress } from '@sparkify/infra';
import { connectionConfig, configFileTarget, writeConfigFile } from './infra-config-file.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../errors.js';
import { addExamples } from '../help-examples.js';
import { type CommandScope, runWithConfig } from '../run-command.js';
import { copyLocationsFrom, type InfraCommandOptions, warehouseInput } from './infra-settings.js';

type InfraModule = typeof import('@sparkify/infra');
type AwsModule = typeof import('./infra-aws.js');

// aws-cdk-lib is loaded only by the infra commands, so that every other command starts as fast as before.
async function loadInfra(): Promise<InfraModule> {
  return import('@sparkify/infra');
}

// So are the AWS SDK clients, which only up, status, down and plan --diff use.
async function loadAws(): Promise<AwsModule> {
  return import('./infra-aws.js');
}

async function withInfra<T>(work: (infra: InfraModule) => T | Promise<T>): Promise<T> {
  return work(await loadInfra());
}

/** The settings and synthesized template that `plan` and `up` share. */
function synthesize(infra: InfraModule, scope: CommandScope, options: InfraCommandOptions) {
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
    withInfra((infra) => {
      const { settings, synthesized, notes } = synthesize(infra, scope, options);
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

function regionOf(scope: CommandScope): string {
  if (!scope.config.region) {
    throw new CliError(
      'region: expected the AWS region to deploy into; set AWS_REGION (or "region" in the config file)',
      ExitCode.cannotRun,
      'CONFIG_INVALID',
    );
  }
  return scope.config.region;
}

function printEvent(scope: CommandScope): (event: StackProgress) => void {
  return (event) =>
    scope.err(
      `  ${event.timestamp.toISOString().slice(11, 19)}  ${event.status.padEnd(20)} ${event.resourceType} ${event.logicalId}` +
        (event.reason && event.status.endsWith('FAILED') ? `: ${event.reason}` : ''),
    );
}

async function up(context: CliContext, options: InfraCommandOptions): Promise<void> {
  await runWithConfig(context, options, (scope) =>
    withInfra(async (infra) => {
      const region = regionOf(scope);
      const target = configFileTarget(options, context);
      const { settings, synthesized, notes } = synthesize(infra, scope, options);
      for (const note of notes) scope.err(`note: ${note}`);
      for (const finding of synthesized.nag!.findings)
        scope.err(`warning: cdk-nag ${finding.rule}: ${finding.description}`);
      scope.err(
        `Deploying stack ${synthesized.stackName} (${settings.shape}) to ${region} with a CloudFormation change set …`,
      );
      const aws = await loadAws();
      const session = aws.cloudFormation(region);
      const result = await infra.deployStack(
        session,
        { stackName: synthesized.stackName, template: synthesized.template },
        { onEvent: printEvent(scope) },
      );
      const connection = infra.connectionOf(result.outputs);
      const secretArn =
        connection.secretArn ?? (await aws.serverlessSecretArn(connection.workgroup!, region));
      const { locations } = copyLocationsFrom(options, scope.config);
      writeConfigFile(
        target,
        connectionConfig(target.existing, connection, {
          secretArn,
          ...(locations.manifestPrefix ? { manifestPrefix: locations.manifestPrefix } : {}),
        }),
      );
      scope.out(
        `Stack ${synthesized.stackName} ${result.status}: ${connection.host}:${connection.port}/${connection.database}`,
      );
      scope.out(
        `Wrote ${target.label}: target redshift, user ${connection.user} signing in with the secret ${secretArn} ` +
          `(read at connect time; no password on disk), COPY role ${connection.copyRoleArn}.`,
      );
      scope.out('Next: pnpm migrate && pnpm load --source s3://…');
    }),
  );
}

async function status(context: CliContext, options: InfraCommandOptions): Promise<void> {
  await runWithConfig(context, options, (scope) =>
    withInfra(async (infra) => {
      const region = regionOf(scope);
      const stackName = infra.stackNameOf(options.environment ?? 'dev');
      const aws = await loadAws();
      const session = aws.cloudFormation(region);
      const stack = await infra.findStack(session, stackName);
      if (!stack) {
        scope.out(
          `No stack ${stackName} in ${region}: nothing of it exists or is billed (sparkify infra up creates it).`,
        );
        return;
      }
      const outputs = infra.outputsOf(stack);
      const shape = outputs[infra.outputNames.shape] === 'provisioned' ? 'provisioned' : 'serverless';
      scope.out(`Stack ${stackName} in ${region}: ${stack.StackStatus} (${shape})`);
      const resources = await infra.listStackResources(session, stack.StackId!);
      const counts = new Map<string, number>();
      for (const resource of resources) counts.set(resource.status, (counts.get(resource.status) ?? 0) + 1);
      scope.out(
        `  resources: ${[...counts].map(([state, count]) => `${count} ${state}`).join(', ') || 'none'}`,
      );
      if (outputs[infra.outputNames.endpoint]) {
        scope.out(
          `  endpoint: ${outputs[infra.outputNames.endpoint]}:${outputs[infra.outputNames.port]}/${outputs[infra.outputNames.database]}` +
            ` (publicly accessible: ${outputs[infra.outputNames.publiclyAccessible] === 'true' ? 'yes' : 'no'})`,
        );
      }
      const state = await aws
        .warehouseState(infra.connectionOf(outputs), stackName, region)
        .catch((error: Error) => `unknown (${error.message})`);
      scope.out(`  warehouse: ${shape === 'serverless' ? 'workgroup' : 'cluster'} ${state ?? 'unknown'}`);
      const estimate = infra.estimateCost({
        shape,
        baseCapacity: Number(outputs[infra.outputNames.baseCapacity] ?? 8),
        nodeType: outputs[infra.outputNames.nodeType] ?? '',
        nodes: Number(outputs[infra.outputNames.nodes] ?? 1),
      });
      for (const line of infra.formatCostEstimate(estimate)) scope.out(`  ${line}`);
    }),
  );
}

async function confirmed(context: CliContext, stackName: string): Promise<boolean> {
  const reader = createInterface({ input: process.stdin, output: context.stderr });
  try {
    const answer = await reader.question(
      `Delete stack ${stackName} and everything it created, the warehouse and its data included? Type ${stackName} to confirm: `,
    );
    return answer.trim() === stackName;
  } finally {
    reader.close();
  }
}

async function down(context: CliContext, options: InfraCommandOptions): Promise<void> {
  await runWithConfig(context, options, (scope) =>
    withInfra(async (infra) => {
      const region = regionOf(scope);
      const stackName = infra.stackNameOf(options.environment ?? 'dev');
      if (!options.yes) {
        if (!(context.isTTY && process.stdin.isTTY)) {
          throw new CliError(
            `infra down deletes ${stackName} and its data: pass --yes to confirm when not on a terminal`,
            ExitCode.cannotRun,
            'CONFIRMATION_NEEDED',
          );
        }
        if (!(await confirmed(context, stackName))) {
          scope.err('Not confirmed: nothing deleted.');
          context.exitCode = ExitCode.cannotRun;
          return;
        }
      }
      const session = (await loadAws()).cloudFormation(region);
      scope.err(`Deleting stack ${stackName} in ${region} …`);
      const result = await infra.destroyStack(session, stackName, { onEvent: printEvent(scope) });
      if (result.status === 'absent') {
        scope.out(`No stack ${stackName} in ${region}: nothing to delete.`);
        return;
      }
      if (result.leftover.length > 0) {
        scope.out(
          `Stack ${stackName} deleted, but CloudFormation left these resources (they may still cost money):`,
        );
        for (const resource of result.leftover)
          scope.out(
            `  ${resource.resourceType} ${resource.logicalId} ${resource.physicalId ?? ''} ${resource.status}`,
          );
        context.exitCode = ExitCode.cannotRun;
        return;
      }
      scope.out(
        `Stack ${stackName} deleted: every resource it created reports DELETE_COMPLETE, so nothing billable of it is left ` +
          '(its KMS key is scheduled for deletion in 7 days).',
      );
      scope.out(
        'Not part of the stack, and kept: the CloudWatch log groups Redshift itself created under /aws/redshift/ ' +
          '(delete them in the console if the audit logs should go too), and the connection in the config file.',
      );
    }),
  );
}

async function diff(context: CliContext, options: InfraCommandOptions): Promise<void> {
  await runWithConfig(context, options, (scope) =>
    withInfra(async (infra) => {
      const region = regionOf(scope);
      const { synthesized } = synthesize(infra, scope, options);
      const changes = await infra.diffStack((await loadAws()).cloudFormation(region), {
        stackName: synthesized.stackName,
        template: synthesized.template,
      });
      if (changes === undefined) {
        scope.out(
          `No stack ${synthesized.stackName} in ${region}: infra up would create all of it (see infra plan).`,
        );
        return;
      }
      if (changes.length === 0) {
        scope.out(`Stack ${synthesized.stackName} in ${region} is up to date: no changes.`);
        return;
      }
      scope.out(
        `Changes to stack ${synthesized.stackName} in ${region} (nothing is changed until infra up):`,
      );
      for (const change of changes)
        scope.out(
          `  ${change.action.padEnd(7)} ${change.resourceType} ${change.logicalId}${change.replacement === 'True' ? ' (replaced: its data is lost)' : ''}`,
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

up deploys without \`cdk bootstrap\` (the template has no file assets) and writes the connection into the JSON
config file (auth "secret": the password is read from Secrets Manager at connect time, never stored), so that
\`pnpm migrate && pnpm load --source s3://…\` work next. up, status, down and plan --diff need AWS credentials
and AWS_REGION: \`sparkify infra up --source s3://my-bucket/sparkify/ --manifest-prefix s3://my-bucket/manifests/\`,
\`sparkify infra status\`, \`sparkify infra down --yes\`.`,
    );
  const planCommand = addWarehouseOptions(
    infra
      .command('plan')
      .description(
        'synthesize offline (no AWS account needed) and show what would be created, cdk-nag and the cost',
      )
      .option(...ENVIRONMENT_OPTION)
      .option('--template', 'print the CloudFormation template (JSON) instead of the summary')
      .option(
        '--diff',
        'show the change set against the deployed stack (needs AWS credentials; nothing is changed)',
      ),
  ).action(async (_options: InfraCommandOptions, command: Command) => {
    const options = command.optsWithGlobals<InfraCommandOptions>();
    if (options.diff) await diff(context, options);
    else await plan(context, options);
  });
  addExamples(planCommand, [
    { run: 'sparkify infra plan', says: 'the default: Serverless, own private VPC, nobody admitted' },
    {
      run: 'sparkify infra plan --source s3://my-bucket/sparkify/ --manifest-prefix s3://my-bucket/manifests/',
      says: 'the COPY role scoped to those prefixes',
    },
    {
      run: 'sparkify infra plan --shape provisioned --template > template.json',
      says: 'the CloudFormation JSON',
    },
  ]);
  addWarehouseOptions(
    infra
      .command('up')
      .description(
        'deploy the stack with a CloudFormation change set, wait, and write the connection into the config file',
      )
      .option(...ENVIRONMENT_OPTION),
  ).action(async (_options: InfraCommandOptions, command: Command) => {
    await up(context, command.optsWithGlobals<InfraCommandOptions>());
  });
  infra
    .command('status')
    .description('what exists of the stack, its endpoint, the warehouse state and what it costs per hour')
    .option(...ENVIRONMENT_OPTION)
    .action(async (_options: InfraCommandOptions, command: Command) => {
      await status(context, command.optsWithGlobals<InfraCommandOptions>());
    });
  infra
    .command('down')
    .description('delete the stack and everything it created (the data too), wait, and check nothing is left')
    .option(...ENVIRONMENT_OPTION)
    .option('-y, --yes', 'do not ask for confirmation (needed when not on a terminal)')
    .action(async (_options: InfraCommandOptions, command: Command) => {
      await down(context, command.optsWithGlobals<InfraCommandOptions>());
    });
}
