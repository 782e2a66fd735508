import { describe, expect, it } from 'vitest';
import {
  changeSetName,
  createChangeSetRequest,
  deployStack,
  destroyStack,
  diffStack,
  InfraError,
  type CloudFormationTemplate,
  type StackProgress,
} from '../src/index.js';
import { ScriptedCloudFormation } from './scripted-cloudformation.js';

const template: CloudFormationTemplate = {
  Resources: { Workgroup: { Type: 'AWS::RedshiftServerless::Workgroup', Properties: { BaseCapacity: 8 } } },
};
const pacing = (events: StackProgress[] = []) => ({
  sleep: async () => {},
  now: () => new Date('2026-12-01T12:00:00Z'),
  onEvent: (event: StackProgress) => events.push(event),
});
const OUTPUTS = {
  WarehouseShape: 'serverless',
  EndpointAddress: 'sparkify-dev.123456789012.us-west-2.redshift-serverless.amazonaws.com',
};

async function failure(promise: Promise<unknown>): Promise<InfraError> {
  try {
    await promise;
  } catch (error) {
    return error as InfraError;
  }
  throw new Error('expected a failure');
}

describe('the CloudFormation requests', () => {
  it('deploy the template inline with CAPABILITY_IAM and the project tag, under a change set named for the moment', () => {
    const request = createChangeSetRequest({
      stackName: 'sparkify-dev',
      template,
      type: 'CREATE',
      now: new Date('2026-12-01T12:03:04.567Z'),
    });
    expect(request).toEqual({
      StackName: 'sparkify-dev',
      ChangeSetName: 'sparkify-20261201T120304Z',
      ChangeSetType: 'CREATE',
      TemplateBody:
        '{"Resources":{"Workgroup":{"Type":"AWS::RedshiftServerless::Workgroup","Properties":{"BaseCapacity":8}}}}',
      Capabilities: ['CAPABILITY_IAM'],
      Tags: [{ Key: 'project', Value: 'sparkify' }],
      Description: 'sparkify infra up',
    });
    expect(changeSetName(new Date('2027-01-02T03:04:05Z'))).toBe('sparkify-20270102T030405Z');
  });

  it('refuse a template over the 51,200-byte inline limit', () => {
    const big: CloudFormationTemplate = { Resources: {}, Description: 'x'.repeat(51_200) };
    expect(() =>
      createChangeSetRequest({ stackName: 's', template: big, type: 'CREATE', now: new Date() }),
    ).toThrow(/at most 51200 inline/);
  });
});

describe('deployStack against a scripted CloudFormation', () => {
  it('creates: change set, wait, execute, events oldest first and once each, then the outputs', async () => {
    const cloud = new ScriptedCloudFormation();
    cloud.deploySteps = [
      {
        logicalId: 'sparkify-dev',
        resourceType: 'AWS::CloudFormation::Stack',
        status: 'CREATE_IN_PROGRESS',
        reason: 'User Initiated',
        stackStatus: 'CREATE_IN_PROGRESS',
      },
      {
        logicalId: 'Namespace',
        resourceType: 'AWS::RedshiftServerless::Namespace',
        status: 'CREATE_IN_PROGRESS',
        stackStatus: 'CREATE_IN_PROGRESS',
      },
      {
        logicalId: 'Namespace',
        resourceType: 'AWS::RedshiftServerless::Namespace',
        status: 'CREATE_COMPLETE',
        stackStatus: 'CREATE_IN_PROGRESS',
      },
      {
        logicalId: 'sparkify-dev',
        resourceType: 'AWS::CloudFormation::Stack',
        status: 'CREATE_COMPLETE',
        stackStatus: 'CREATE_COMPLETE',
      },
    ];
    cloud.outputs = OUTPUTS;
    const events: StackProgress[] = [];
    const result = await deployStack(cloud.session, { stackName: 'sparkify-dev', template }, pacing(events));
    expect(result).toMatchObject({ status: 'created', outputs: OUTPUTS });
    expect(cloud.sent.map((call) => call.command)).toEqual([
      'DescribeStacks',
      'CreateChangeSet',
      'DescribeChangeSet',
      'DescribeChangeSet',
      'ExecuteChangeSet',
      'DescribeStackEvents',
      'DescribeStacks',
      'DescribeStackEvents',
      'DescribeStacks',
      'DescribeStackEvents',
      'DescribeStacks',
      'DescribeStackEvents',
      'DescribeStacks',
    ]);
    const create = cloud.sent[1]!.input;
    expect(create).toMatchObject({
      StackName: 'sparkify-dev',
      ChangeSetType: 'CREATE',
      Capabilities: ['CAPABILITY_IAM'],
    });
    expect(JSON.parse(String(create.TemplateBody))).toEqual(template);
    expect(events.map((event) => `${event.logicalId} ${event.status}`)).toEqual([
      'sparkify-dev CREATE_IN_PROGRESS',
      'Namespace CREATE_IN_PROGRESS',
      'Namespace CREATE_COMPLETE',
      'sparkify-dev CREATE_COMPLETE',
    ]);
  });

  it('updates an existing stack, and leaves it alone when the change set has no changes', async () => {
    const cloud = new ScriptedCloudFormation().withStack('sparkify-dev', 'CREATE_COMPLETE', OUTPUTS);
    cloud.changeSetOutcome = {
      failure:
        "The submitted information didn't contain changes. Submit different information to create a change set.",
    };
    const result = await deployStack(cloud.session, { stackName: 'sparkify-dev', template }, pacing());
    expect(result).toMatchObject({ status: 'unchanged', outputs: OUTPUTS });
    expect(cloud.sent[1]!.input.ChangeSetType).toBe('UPDATE');
    expect(cloud.sent.map((call) => call.command)).toContain('DeleteChangeSet');
    expect(cloud.sent.map((call) => call.command)).not.toContain('ExecuteChangeSet');
  });

  it('reports a rollback with the first real failure and the permission it lacked', async () => {
    const cloud = new ScriptedCloudFormation();
    const denied =
      'Resource handler returned message: "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::123456789012:role/sparkify-dev-CopyRole"';
    cloud.deploySteps = [
      {
        logicalId: 'CopyRoleA4EADB21',
        resourceType: 'AWS::IAM::Role',
        status: 'CREATE_FAILED',
        reason: denied,
        stackStatus: 'ROLLBACK_IN_PROGRESS',
      },
      {
        logicalId: 'WarehouseKey5BA34FFD',
        resourceType: 'AWS::KMS::Key',
        status: 'CREATE_FAILED',
        reason: 'Resource creation cancelled',
        stackStatus: 'ROLLBACK_IN_PROGRESS',
      },
      {
        logicalId: 'sparkify-dev',
        resourceType: 'AWS::CloudFormation::Stack',
        status: 'ROLLBACK_COMPLETE',
        stackStatus: 'ROLLBACK_COMPLETE',
      },
    ];
    const error = await failure(
      deployStack(cloud.session, { stackName: 'sparkify-dev', template }, pacing()),
    );
    expect(error.code).toBe('STACK_FAILED');
    expect(error.message).toMatch(
      /^stack sparkify-dev ended ROLLBACK_COMPLETE: AWS::IAM::Role CopyRoleA4EADB21: .*\(missing permission: iam:CreateRole\)$/,
    );
  });

  it('names the CloudFormation action the credentials lack', async () => {
    const cloud = new ScriptedCloudFormation();
    cloud.denied = {
      command: 'CreateChangeSet',
      message:
        'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: cloudformation:CreateChangeSet on resource: arn:aws:cloudformation:us-west-2:123456789012:stack/sparkify-dev/*',
    };
    const error = await failure(
      deployStack(cloud.session, { stackName: 'sparkify-dev', template }, pacing()),
    );
    expect(error.code).toBe('ACCESS_DENIED');
    expect(error.message).toMatch(/^your AWS credentials may not cloudformation:CreateChangeSet \(/);
  });

  it('refuses a stack left ROLLBACK_COMPLETE, and one still in progress, with what to do', async () => {
    const failed = new ScriptedCloudFormation().withStack('sparkify-dev', 'ROLLBACK_COMPLETE');
    expect(
      (await failure(deployStack(failed.session, { stackName: 'sparkify-dev', template }, pacing()))).message,
    ).toMatch(/ROLLBACK_COMPLETE .*run sparkify infra down, then up again/);
    const busy = new ScriptedCloudFormation().withStack('sparkify-dev', 'UPDATE_IN_PROGRESS');
    expect(
      (await failure(deployStack(busy.session, { stackName: 'sparkify-dev', template }, pacing()))).code,
    ).toBe('STACK_BUSY');
    expect(failed.sent.map((call) => call.command)).toEqual(['DescribeStacks']);
  });
});

describe('destroyStack against a scripted CloudFormation', () => {
  const deleteSteps = [
    {
      logicalId: 'Workgroup',
      resourceType: 'AWS::RedshiftServerless::Workgroup',
      status: 'DELETE_IN_PROGRESS',
      stackStatus: 'DELETE_IN_PROGRESS',
    },
    {
      logicalId: 'Workgroup',
      resourceType: 'AWS::RedshiftServerless::Workgroup',
      status: 'DELETE_COMPLETE',
      stackStatus: 'DELETE_IN_PROGRESS',
    },
    {
      logicalId: 'sparkify-dev',
      resourceType: 'AWS::CloudFormation::Stack',
      status: 'DELETE_COMPLETE',
      stackStatus: 'DELETE_COMPLETE',
    },
  ];

  it('deletes, waits for DELETE_COMPLETE, and finds nothing left by the stack id', async () => {
    const cloud = new ScriptedCloudFormation().withStack('sparkify-dev', 'CREATE_COMPLETE');
    cloud.deleteSteps = deleteSteps;
    cloud.deletedResourceStates = [
      {
        LogicalResourceId: 'Workgroup',
        ResourceType: 'AWS::RedshiftServerless::Workgroup',
        ResourceStatus: 'DELETE_COMPLETE',
      },
      { LogicalResourceId: 'Vpc8378EB38', ResourceType: 'AWS::EC2::VPC', ResourceStatus: 'DELETE_COMPLETE' },
    ];
    const events: StackProgress[] = [];
    const result = await destroyStack(cloud.session, 'sparkify-dev', pacing(events));
    expect(result).toEqual({ status: 'deleted', leftover: [] });
    expect(events.at(-1)).toMatchObject({ logicalId: 'sparkify-dev', status: 'DELETE_COMPLETE' });
    const listed = cloud.sent.find((call) => call.command === 'ListStackResources')!;
    expect(String(listed.input.StackName)).toMatch(/^arn:aws:cloudformation:.*:stack\/sparkify-dev\//);
  });

  it('returns what CloudFormation retained instead of claiming nothing is left', async () => {
    const cloud = new ScriptedCloudFormation().withStack('sparkify-dev', 'CREATE_COMPLETE');
    cloud.deleteSteps = deleteSteps;
    cloud.deletedResourceStates = [
      {
        LogicalResourceId: 'FlowLogs16C1943A',
        ResourceType: 'AWS::Logs::LogGroup',
        ResourceStatus: 'DELETE_SKIPPED',
      },
      {
        LogicalResourceId: 'Cluster',
        ResourceType: 'AWS::Redshift::Cluster',
        ResourceStatus: 'DELETE_FAILED',
      },
    ];
    const result = await destroyStack(cloud.session, 'sparkify-dev', pacing());
    expect(result).toEqual({
      status: 'deleted',
      leftover: [{ logicalId: 'Cluster', resourceType: 'AWS::Redshift::Cluster', status: 'DELETE_FAILED' }],
    });
  });

  it('does nothing for a stack that does not exist', async () => {
    const cloud = new ScriptedCloudFormation();
    expect(await destroyStack(cloud.session, 'sparkify-dev', pacing())).toEqual({ status: 'absent' });
    expect(cloud.sent.map((call) => call.command)).toEqual(['DescribeStacks']);
  });
});

describe('diffStack against a scripted CloudFormation', () => {
  it('lists the change set of the deployed stack and deletes it without executing', async () => {
    const cloud = new ScriptedCloudFormation().withStack('sparkify-dev', 'CREATE_COMPLETE');
    cloud.changeSetOutcome = {
      changes: [
        {
          Type: 'Resource',
          ResourceChange: {
            Action: 'Modify',
            LogicalResourceId: 'Workgroup',
            ResourceType: 'AWS::RedshiftServerless::Workgroup',
            Replacement: 'False',
          },
        },
      ],
    };
    expect(await diffStack(cloud.session, { stackName: 'sparkify-dev', template }, pacing())).toEqual([
      {
        action: 'Modify',
        logicalId: 'Workgroup',
        resourceType: 'AWS::RedshiftServerless::Workgroup',
        replacement: 'False',
      },
    ]);
    const commands = cloud.sent.map((call) => call.command);
    expect(commands).toContain('DeleteChangeSet');
    expect(commands).not.toContain('ExecuteChangeSet');
  });

  it('says there is nothing deployed to compare with', async () => {
    expect(
      await diffStack(
        new ScriptedCloudFormation().session,
        { stackName: 'sparkify-dev', template },
        pacing(),
      ),
    ).toBeUndefined();
  });
});
