import type { CloudFormationSession } from '../src/index.js';

/** A step of a scripted stack operation: the event CloudFormation records, and the stack status after it. */
export interface ScriptStep {
  logicalId: string;
  resourceType: string;
  status: string;
  reason?: string;
  stackStatus: string;
}

interface StackState {
  StackId: string;
  StackName: string;
  StackStatus: string;
  Outputs?: { OutputKey: string; OutputValue: string }[];
  events: {
    EventId: string;
    Timestamp: Date;
    LogicalResourceId: string;
    ResourceType: string;
    ResourceStatus: string;
    ResourceStatusReason?: string;
  }[];
  pending: ScriptStep[];
  resources: { LogicalResourceId: string; ResourceType: string; ResourceStatus: string }[];
}

/** An AWS SDK-like error: the SDK's exceptions carry the service's error code as `name`. */
function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

/**
 * An in-process CloudFormation that answers as the API reference describes: DescribeStacks fails with a
 * ValidationError "Stack with id X does not exist" for an unknown name; CreateChangeSet of type CREATE makes a
 * REVIEW_IN_PROGRESS stack; DescribeChangeSet goes CREATE_PENDING → CREATE_COMPLETE (or FAILED with a reason);
 * ExecuteChangeSet and DeleteStack start the scripted operation, which advances one step per DescribeStackEvents
 * call (events newest first); a deleted stack is found by id (DELETE_COMPLETE) but no longer by name.
 */
export class ScriptedCloudFormation {
  readonly sent: { command: string; input: Record<string, unknown> }[] = [];
  private readonly stacks = new Map<string, StackState>();
  private readonly changeSets = new Map<string, { stackId: string; polls: number; type: string }>();
  private clock = Date.parse('2026-12-01T12:00:00Z');
  /** What the next change set answers once complete: changes, or a failure reason. */
  changeSetOutcome: { failure?: string; changes?: unknown[] } = {};
  /** The steps an ExecuteChangeSet plays, and the outputs a completed stack then has. */
  deploySteps: ScriptStep[] = [];
  outputs: Record<string, string> = {};
  /** The steps a DeleteStack plays, and the resources' final states ListStackResources reports. */
  deleteSteps: ScriptStep[] = [];
  deletedResourceStates: { LogicalResourceId: string; ResourceType: string; ResourceStatus: string }[] = [];
  /** A command name whose call is denied, with the message AWS sends. */
  denied?: { command: string; message: string };

  /** The session to pass where the SDK client would go. */
  get session(): CloudFormationSession {
    // A throw in answer() becomes a rejected promise, as the SDK's send() reports a service error.
    const send = (command: object) => new Promise<unknown>((resolve) => resolve(this.answer(command)));
    return { send } as CloudFormationSession;
  }

  /** A stack already deployed (for update, status and delete scenarios). */
  withStack(name: string, status: string, outputs: Record<string, string> = {}): this {
    const id = `arn:aws:cloudformation:us-west-2:123456789012:stack/${name}/0b0d8a60-0000-0000-0000-000000000001`;
    this.stacks.set(id, {
      StackId: id,
      StackName: name,
      StackStatus: status,
      Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      events: [],
      pending: [],
      resources: [],
    });
    return this;
  }

  private byName(name: string): StackState | undefined {
    if (this.stacks.has(name)) return this.stacks.get(name);
    return [...this.stacks.values()].find(
      (stack) => stack.StackName === name && stack.StackStatus !== 'DELETE_COMPLETE',
    );
  }

  private answer(command: object): unknown {
    const name = command.constructor.name.replace(/Command$/, '');
    const input = (command as { input: Record<string, unknown> }).input;
    this.sent.push({ command: name, input });
    if (this.denied?.command === name) throw awsError('AccessDenied', this.denied.message);
    this.clock += 1000;
    switch (name) {
      case 'DescribeStacks': {
        const stack = this.byName(String(input.StackName));
        if (!stack)
          throw awsError('ValidationError', `Stack with id ${String(input.StackName)} does not exist`);
        const { StackId, StackName, StackStatus, Outputs } = stack;
        return { Stacks: [{ StackId, StackName, StackStatus, Outputs, CreationTime: new Date(this.clock) }] };
      }
      case 'CreateChangeSet': {
        let stack = this.byName(String(input.StackName));
        if (input.ChangeSetType === 'CREATE') {
          if (stack && stack.StackStatus !== 'REVIEW_IN_PROGRESS')
            throw awsError('AlreadyExistsException', `Stack [${String(input.StackName)}] already exists`);
          if (!stack)
            stack = this.withStack(String(input.StackName), 'REVIEW_IN_PROGRESS').byName(
              String(input.StackName),
            )!;
        } else if (!stack) {
          throw awsError('ValidationError', `Stack [${String(input.StackName)}] does not exist`);
        }
        const id = `arn:aws:cloudformation:us-west-2:123456789012:changeSet/${String(input.ChangeSetName)}/1`;
        this.changeSets.set(id, { stackId: stack.StackId, polls: 0, type: String(input.ChangeSetType) });
        return { Id: id, StackId: stack.StackId };
      }
      case 'DescribeChangeSet': {
        const changeSet = this.changeSets.get(String(input.ChangeSetName));
        if (!changeSet)
          throw awsError(
            'ChangeSetNotFoundException',
            `ChangeSet [${String(input.ChangeSetName)}] does not exist`,
          );
        changeSet.polls += 1;
        if (changeSet.polls === 1) return { Status: 'CREATE_PENDING', ExecutionStatus: 'UNAVAILABLE' };
        if (this.changeSetOutcome.failure)
          return {
            Status: 'FAILED',
            StatusReason: this.changeSetOutcome.failure,
            ExecutionStatus: 'UNAVAILABLE',
          };
        return {
          Status: 'CREATE_COMPLETE',
          ExecutionStatus: 'AVAILABLE',
          Changes: this.changeSetOutcome.changes ?? [],
        };
      }
      case 'DeleteChangeSet':
        this.changeSets.delete(String(input.ChangeSetName));
        return {};
      case 'ExecuteChangeSet': {
        const changeSet = this.changeSets.get(String(input.ChangeSetName))!;
        const stack = this.stacks.get(changeSet.stackId)!;
        stack.StackStatus = changeSet.type === 'CREATE' ? 'CREATE_IN_PROGRESS' : 'UPDATE_IN_PROGRESS';
        stack.pending = [...this.deploySteps];
        return {};
      }
      case 'DeleteStack': {
        const stack = this.byName(String(input.StackName));
        if (!stack) return {}; // DeleteStack of an unknown stack succeeds silently, as documented
        stack.StackStatus = 'DELETE_IN_PROGRESS';
        stack.pending = [...this.deleteSteps];
        return {};
      }
      case 'DescribeStackEvents': {
        const stack = this.byName(String(input.StackName));
        if (!stack) throw awsError('ValidationError', `Stack [${String(input.StackName)}] does not exist`);
        const step = stack.pending.shift();
        if (step) {
          stack.events.push({
            EventId: `event-${stack.events.length + 1}`,
            Timestamp: new Date(this.clock),
            LogicalResourceId: step.logicalId,
            ResourceType: step.resourceType,
            ResourceStatus: step.status,
            ...(step.reason ? { ResourceStatusReason: step.reason } : {}),
          });
          stack.StackStatus = step.stackStatus;
          if (step.stackStatus === 'CREATE_COMPLETE' || step.stackStatus === 'UPDATE_COMPLETE')
            stack.Outputs = Object.entries(this.outputs).map(([OutputKey, OutputValue]) => ({
              OutputKey,
              OutputValue,
            }));
          if (step.stackStatus === 'DELETE_COMPLETE') stack.resources = this.deletedResourceStates;
        }
        return { StackEvents: [...stack.events].reverse() };
      }
      case 'ListStackResources': {
        const stack = this.byName(String(input.StackName));
        if (!stack)
          throw awsError('ValidationError', `Stack with id ${String(input.StackName)} does not exist`);
        return { StackResourceSummaries: stack.resources };
      }
      default:
        throw new Error(`the scripted CloudFormation does not answer ${name}`);
    }
  }
}
