import {
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  ListStackResourcesCommand,
  type CloudFormationClient,
  type Stack,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import {
  createChangeSetRequest,
  deleteStackRequest,
  executeChangeSetRequest,
} from './cloudformation-requests.js';
import { InfraError } from './errors.js';
import type { CloudFormationTemplate } from './synthesize-warehouse.js';

/** The part of a CloudFormation client the commands use: the SDK client, or a scripted session in tests. */
export type CloudFormationSession = Pick<CloudFormationClient, 'send'>;

/** One stack event as `up` and `down` report it. */
export interface StackProgress {
  timestamp: Date;
  logicalId: string;
  resourceType: string;
  status: string;
  reason?: string;
}

/** Clock and pacing of the polling loops (tests pass a sleep that returns at once). */
export interface Pacing {
  sleep?: (ms: number) => Promise<void>;
  pollMs?: number;
  now?: () => Date;
  onEvent?: (event: StackProgress) => void;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The IAM action a command needs: DescribeStacksCommand → cloudformation:DescribeStacks. */
function actionOf(command: object): string {
  return `cloudformation:${command.constructor.name.replace(/Command$/, '')}`;
}

/** The action named in an AWS "is not authorized to perform: X" message, if any. */
export function deniedAction(message: string | undefined): string | undefined {
  return /not authorized to perform:? ([\w-]+:[\w*-]+)/i.exec(message ?? '')?.[1];
}

async function call<T>(session: CloudFormationSession, command: object): Promise<T> {
  try {
    return (await session.send(command as never)) as T;
  } catch (error) {
    const name = (error as { name?: string }).name ?? '';
    const message = (error as Error).message ?? String(error);
    if (/AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(name) || deniedAction(message)) {
      throw new InfraError(
        'ACCESS_DENIED',
        `your AWS credentials may not ${deniedAction(message) ?? actionOf(command)} (${message})`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** The stack by name or id, or undefined when CloudFormation does not know it. */
export async function findStack(
  session: CloudFormationSession,
  stackName: string,
): Promise<Stack | undefined> {
  try {
    const answer = await call<{ Stacks?: Stack[] }>(
      session,
      new DescribeStacksCommand({ StackName: stackName }),
    );
    return answer.Stacks?.[0];
  } catch (error) {
    if ((error as Error).name === 'ValidationError' && /does not exist/.test((error as Error).message))
      return undefined;
    throw error;
  }
}

/** A stack's outputs as a plain map. */
export function outputsOf(stack: Stack): Record<string, string> {
  return Object.fromEntries(
    (stack.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']),
  );
}

const SUCCEEDED = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE', 'DELETE_COMPLETE']);
const FAILED = new Set([
  'CREATE_FAILED',
  'ROLLBACK_COMPLETE',
  'ROLLBACK_FAILED',
  'UPDATE_ROLLBACK_COMPLETE',
  'UPDATE_ROLLBACK_FAILED',
  'UPDATE_FAILED',
  'DELETE_FAILED',
]);

/** The first real failure among events (CloudFormation reports the cancellations it causes afterwards). */
function failureOf(events: StackProgress[]): string | undefined {
  const failed = events.find(
    (event) => event.status.endsWith('_FAILED') && !/cancelled/i.test(event.reason ?? ''),
  );
  if (!failed) return undefined;
  const action = deniedAction(failed.reason);
  return `${failed.resourceType} ${failed.logicalId}: ${failed.reason ?? failed.status}${
    action ? ` (missing permission: ${action})` : ''
  }`;
}

/**
 * Follows a stack until it settles: reports each new event (oldest first) and returns the final stack; a failed
 * or rolled back stack throws STACK_FAILED naming the first resource that failed and why.
 */
export async function waitForStack(
  session: CloudFormationSession,
  stackId: string,
  since: Date,
  pacing: Pacing = {},
): Promise<Stack> {
  const { sleep = defaultSleep, pollMs = 5000, onEvent } = pacing;
  const seen = new Set<string>();
  const events: StackProgress[] = [];
  for (;;) {
    const page = await call<{ StackEvents?: StackEvent[] }>(
      session,
      new DescribeStackEventsCommand({ StackName: stackId }),
    );
    // The API returns newest first; report oldest first, each event once.
    const fresh = (page.StackEvents ?? [])
      .filter((event) => event.EventId && !seen.has(event.EventId) && (event.Timestamp ?? since) >= since)
      .reverse();
    for (const event of fresh) {
      seen.add(event.EventId!);
      const progress: StackProgress = {
        timestamp: event.Timestamp ?? since,
        logicalId: event.LogicalResourceId ?? '',
        resourceType: event.ResourceType ?? '',
        status: event.ResourceStatus ?? '',
        ...(event.ResourceStatusReason ? { reason: event.ResourceStatusReason } : {}),
      };
      events.push(progress);
      onEvent?.(progress);
    }
    const stack = await findStack(session, stackId);
    const status = stack?.StackStatus ?? 'DELETE_COMPLETE';
    if (stack && SUCCEEDED.has(status)) return stack;
    if (!stack) return { StackName: stackId, StackStatus: 'DELETE_COMPLETE', CreationTime: since };
    if (FAILED.has(status)) {
      throw new InfraError(
        'STACK_FAILED',
        `stack ${stack.StackName} ended ${status}: ${failureOf(events) ?? stack.StackStatusReason ?? 'no reason given'}`,
      );
    }
    await sleep(pollMs);
  }
}

/** What `infra up` did. */
export interface DeployResult {
  status: 'created' | 'updated' | 'unchanged';
  stackId: string;
  outputs: Record<string, string>;
}

const NO_CHANGES = /didn't contain changes|No updates are to be performed/i;

/**
 * Deploys a template with a change set: CreateChangeSet (CREATE or UPDATE), wait for it, ExecuteChangeSet, then
 * follow the stack events until it settles; returns the stack's outputs. A stack busy or left failed is refused
 * with what to do.
 */
export async function deployStack(
  session: CloudFormationSession,
  input: { stackName: string; template: CloudFormationTemplate },
  pacing: Pacing = {},
): Promise<DeployResult> {
  const { sleep = defaultSleep, pollMs = 5000, now = () => new Date() } = pacing;
  const existing = await findStack(session, input.stackName);
  const status = existing?.StackStatus;
  if (status === 'ROLLBACK_COMPLETE' || status === 'ROLLBACK_FAILED' || status === 'DELETE_FAILED') {
    throw new InfraError(
      'STACK_FAILED',
      `stack ${input.stackName} is ${status} from an earlier attempt and cannot be updated: run sparkify infra down, then up again`,
    );
  }
  if (status && status.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS') {
    throw new InfraError(
      'STACK_BUSY',
      `stack ${input.stackName} is ${status}: wait for it (sparkify infra status)`,
    );
  }
  const type = !existing || status === 'REVIEW_IN_PROGRESS' ? 'CREATE' : 'UPDATE';
  const startedAt = now();
  const created = await call<{ Id?: string; StackId?: string }>(
    session,
    new CreateChangeSetCommand(createChangeSetRequest({ ...input, type, now: startedAt })),
  );
  const changeSetId = created.Id!;
  for (;;) {
    const changeSet = await call<{ Status?: string; StatusReason?: string }>(
      session,
      new DescribeChangeSetCommand({ ChangeSetName: changeSetId }),
    );
    if (changeSet.Status === 'CREATE_COMPLETE') break;
    if (changeSet.Status === 'FAILED') {
      if (type === 'UPDATE' && NO_CHANGES.test(changeSet.StatusReason ?? '')) {
        await call(session, new DeleteChangeSetCommand({ ChangeSetName: changeSetId }));
        return { status: 'unchanged', stackId: existing!.StackId!, outputs: outputsOf(existing!) };
      }
      throw new InfraError(
        'CHANGE_SET_FAILED',
        `the change set for ${input.stackName} failed: ${changeSet.StatusReason ?? 'no reason given'}`,
      );
    }
    await sleep(pollMs);
  }
  await call(session, new ExecuteChangeSetCommand(executeChangeSetRequest(changeSetId)));
  const stack = await waitForStack(session, created.StackId!, startedAt, pacing);
  return {
    status: type === 'CREATE' ? 'created' : 'updated',
    stackId: created.StackId!,
    outputs: outputsOf(stack),
  };
}

/** One resource of a stack, as `status` and `down` list them. */
export interface StackResourceState {
  logicalId: string;
  physicalId?: string;
  resourceType: string;
  status: string;
}

/** Every resource of a stack (by name, or by id after deletion: CloudFormation keeps deleted stacks 90 days). */
export async function listStackResources(
  session: CloudFormationSession,
  stackId: string,
): Promise<StackResourceState[]> {
  const resources: StackResourceState[] = [];
  let token: string | undefined;
  do {
    const page = await call<{
      StackResourceSummaries?: {
        LogicalResourceId?: string;
        PhysicalResourceId?: string;
        ResourceType?: string;
        ResourceStatus?: string;
      }[];
      NextToken?: string;
    }>(
      session,
      new ListStackResourcesCommand({ StackName: stackId, ...(token ? { NextToken: token } : {}) }),
    );
    for (const summary of page.StackResourceSummaries ?? []) {
      resources.push({
        logicalId: summary.LogicalResourceId ?? '',
        ...(summary.PhysicalResourceId ? { physicalId: summary.PhysicalResourceId } : {}),
        resourceType: summary.ResourceType ?? '',
        status: summary.ResourceStatus ?? '',
      });
    }
    token = page.NextToken;
  } while (token);
  return resources;
}

/** What `infra down` did: nothing to delete, or deleted with whatever CloudFormation left behind. */
export type DestroyResult = { status: 'absent' } | { status: 'deleted'; leftover: StackResourceState[] };

/**
 * Deletes the stack and everything it created, follows the events until DELETE_COMPLETE, then lists the stack's
 * resources to prove none is left (anything not DELETE_COMPLETE is returned as leftover).
 */
export async function destroyStack(
  session: CloudFormationSession,
  stackName: string,
  pacing: Pacing = {},
): Promise<DestroyResult> {
  const { now = () => new Date() } = pacing;
  const existing = await findStack(session, stackName);
  if (!existing || existing.StackStatus === 'DELETE_COMPLETE') return { status: 'absent' };
  const startedAt = now();
  await call(session, new DeleteStackCommand(deleteStackRequest(stackName)));
  await waitForStack(session, existing.StackId!, startedAt, pacing);
  const resources = await listStackResources(session, existing.StackId!);
  return {
    status: 'deleted',
    leftover: resources.filter(
      (resource) => !['DELETE_COMPLETE', 'DELETE_SKIPPED'].includes(resource.status),
    ),
  };
}

/** One change a change set would make, for `plan --diff`. */
export interface PlannedChange {
  action: string;
  logicalId: string;
  resourceType: string;
  replacement?: string;
}

/**
 * The changes a template would make to the deployed stack (a change set created, read and deleted; nothing is
 * executed), or undefined when no stack is deployed.
 */
export async function diffStack(
  session: CloudFormationSession,
  input: { stackName: string; template: CloudFormationTemplate },
  pacing: Pacing = {},
): Promise<PlannedChange[] | undefined> {
  const { sleep = defaultSleep, pollMs = 3000, now = () => new Date() } = pacing;
  const existing = await findStack(session, input.stackName);
  if (!existing || existing.StackStatus === 'REVIEW_IN_PROGRESS') return undefined;
  const created = await call<{ Id?: string }>(
    session,
    new CreateChangeSetCommand(createChangeSetRequest({ ...input, type: 'UPDATE', now: now() })),
  );
  try {
    for (;;) {
      const changeSet = await call<{
        Status?: string;
        StatusReason?: string;
        Changes?: {
          ResourceChange?: {
            Action?: string;
            LogicalResourceId?: string;
            ResourceType?: string;
            Replacement?: string;
          };
        }[];
      }>(session, new DescribeChangeSetCommand({ ChangeSetName: created.Id! }));
      if (changeSet.Status === 'CREATE_COMPLETE') {
        return (changeSet.Changes ?? []).map(({ ResourceChange: change }) => ({
          action: change?.Action ?? '',
          logicalId: change?.LogicalResourceId ?? '',
          resourceType: change?.ResourceType ?? '',
          ...(change?.Replacement ? { replacement: change.Replacement } : {}),
        }));
      }
      if (changeSet.Status === 'FAILED') {
        if (NO_CHANGES.test(changeSet.StatusReason ?? '')) return [];
        throw new InfraError('CHANGE_SET_FAILED', `the change set failed: ${changeSet.StatusReason ?? ''}`);
      }
      await sleep(pollMs);
    }
  } finally {
    await call(session, new DeleteChangeSetCommand({ ChangeSetName: created.Id! })).catch(() => undefined);
  }
}
