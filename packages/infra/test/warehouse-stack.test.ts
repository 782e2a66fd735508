import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthesizeWarehouse, type CloudFormationTemplate, type SynthesizedWarehouse } from '../src/index.js';
import { settingsFor } from './fixtures.js';

// One synthesis per shape (with cdk-nag) for the whole file: CDK synthesis is slow and memory hungry.
const synthesized: Record<'serverless' | 'provisioned', SynthesizedWarehouse> = {
  serverless: synthesizeWarehouse(settingsFor('serverless'), { nag: true }),
  provisioned: synthesizeWarehouse(settingsFor('provisioned'), { nag: true }),
};
const shapes = ['serverless', 'provisioned'] as const;

type Resource = CloudFormationTemplate['Resources'][string];

function resourcesOf(template: CloudFormationTemplate, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

function only(template: CloudFormationTemplate, type: string): [string, Resource] {
  const found = resourcesOf(template, type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
}

function warehouseOf(template: CloudFormationTemplate): Record<string, unknown> {
  const type = template.Resources.Cluster ? 'AWS::Redshift::Cluster' : 'AWS::RedshiftServerless::Workgroup';
  return only(template, type)[1].Properties!;
}

interface Statement {
  Action: string | string[];
  Resource: string | string[] | Record<string, unknown>;
  Condition?: Record<string, Record<string, string[]>>;
}

/** Every statement of every policy attached to the COPY role (inline or managed, by reference). */
function copyRoleStatements(template: CloudFormationTemplate): Statement[] {
  const [roleId, role] = resourcesOf(template, 'AWS::IAM::Role').find(([id]) => id.startsWith('CopyRole'))!;
  expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
  const inline = (
    (role.Properties!.Policies as { PolicyDocument: { Statement: Statement[] } }[]) ?? []
  ).flatMap((policy) => policy.PolicyDocument.Statement);
  const attached = resourcesOf(template, 'AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(policy.Properties!.Roles).includes(roleId))
    .flatMap(([, policy]) => (policy.Properties!.PolicyDocument as { Statement: Statement[] }).Statement);
  return [...inline, ...attached];
}

/** Every ingress rule: inline in security groups and as AWS::EC2::SecurityGroupIngress resources. */
function ingressRules(template: CloudFormationTemplate): unknown[] {
  return [
    ...resourcesOf(template, 'AWS::EC2::SecurityGroup').flatMap(
      ([, group]) => (group.Properties!.SecurityGroupIngress as unknown[] | undefined) ?? [],
    ),
    ...resourcesOf(template, 'AWS::EC2::SecurityGroupIngress').map(([, rule]) => rule.Properties),
  ];
}

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

describe.each(shapes)('the %s warehouse template', (shape) => {
  const { template } = synthesized[shape];
  const assertions = Template.fromJSON(template);

  it('is not publicly accessible, routes COPY through the VPC, and requires TLS', () => {
    const warehouse = warehouseOf(template);
    expect(warehouse.PubliclyAccessible).toBe(false);
    expect(warehouse.EnhancedVpcRouting).toBe(true);
    if (shape === 'serverless') {
      expect(warehouse.ConfigParameters).toContainEqual({
        ParameterKey: 'require_ssl',
        ParameterValue: 'true',
      });
    } else {
      const [groupId, group] = only(template, 'AWS::Redshift::ClusterParameterGroup');
      expect(warehouse.ClusterParameterGroupName).toEqual({ Ref: groupId });
      expect(group.Properties!.Parameters).toContainEqual({
        ParameterName: 'require_ssl',
        ParameterValue: 'true',
      });
    }
  });

  it('is encrypted at rest with the stack key, which rotates', () => {
    const [keyId] = only(template, 'AWS::KMS::Key');
    assertions.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const keyArn = { 'Fn::GetAtt': [keyId, 'Arn'] };
    if (shape === 'serverless') {
      assertions.hasResourceProperties('AWS::RedshiftServerless::Namespace', { KmsKeyId: keyArn });
    } else {
      assertions.hasResourceProperties('AWS::Redshift::Cluster', { Encrypted: true, KmsKeyId: keyArn });
    }
  });

  it('logs connections, users and user activity', () => {
    const exports = ['connectionlog', 'userlog', 'useractivitylog'];
    if (shape === 'serverless') {
      assertions.hasResourceProperties('AWS::RedshiftServerless::Namespace', { LogExports: exports });
      expect(warehouseOf(template).ConfigParameters).toContainEqual({
        ParameterKey: 'enable_user_activity_logging',
        ParameterValue: 'true',
      });
    } else {
      assertions.hasResourceProperties('AWS::Redshift::Cluster', {
        LoggingProperties: { LogDestinationType: 'cloudwatch', LogExports: exports },
      });
      assertions.hasResourceProperties('AWS::Redshift::ClusterParameterGroup', {
        Parameters: [
          { ParameterName: 'require_ssl', ParameterValue: 'true' },
          { ParameterName: 'enable_user_activity_logging', ParameterValue: 'true' },
        ],
      });
    }
  });

  it('admits nobody by default: no ingress rule at all, and none from 0.0.0.0/0 or ::/0', () => {
    expect(ingressRules(template)).toEqual([]);
  });

  it('lets the COPY role read exactly the configured prefixes and objects, and nothing else', () => {
    const statements = copyRoleStatements(template);
    const actions = statements.flatMap((statement) => list(statement.Action));
    expect(new Set(actions)).toEqual(new Set(['s3:GetObject', 's3:ListBucket']));
    for (const statement of statements) expect(list(statement.Resource)).not.toContain('*');
    const objects = statements.filter((statement) => list(statement.Action).includes('s3:GetObject'));
    expect(objects.flatMap((statement) => list(statement.Resource)).sort()).toEqual([
      'arn:aws:s3:::sparkify-team/manifests/*',
      'arn:aws:s3:::udacity-dend/log_data/*',
      'arn:aws:s3:::udacity-dend/song_data/*',
    ]);
    const listings = statements.filter((statement) => list(statement.Action).includes('s3:ListBucket'));
    expect(
      listings.map((statement) => [statement.Resource, statement.Condition?.StringLike?.['s3:prefix']]),
    ).toEqual([
      ['arn:aws:s3:::udacity-dend', ['song_data/', 'song_data/*', 'log_data/', 'log_data/*']],
      ['arn:aws:s3:::sparkify-team', ['manifests/', 'manifests/*']],
    ]);
  });

  it('has Redshift generate the admin password into Secrets Manager: no password literal anywhere', () => {
    const flag = shape === 'serverless' ? 'ManageAdminPassword' : 'ManageMasterPassword';
    expect(warehouseResource(template)[flag]).toBe(true);
    const keys = JSON.stringify(template).match(/"[A-Za-z]*Password[A-Za-z]*":/g) ?? [];
    expect(new Set(keys)).toEqual(
      new Set(
        shape === 'serverless'
          ? ['"ManageAdminPassword":', '"AdminPasswordSecretKmsKeyId":']
          : ['"ManageMasterPassword":', '"MasterPasswordSecretKmsKeyId":'],
      ),
    );
    expect(resourcesOf(template, 'AWS::SecretsManager::Secret')).toEqual([]);
  });

  it('attaches the COPY role to the warehouse', () => {
    const [roleId] = resourcesOf(template, 'AWS::IAM::Role').find(([id]) => id.startsWith('CopyRole'))!;
    const roleArn = { 'Fn::GetAtt': [roleId, 'Arn'] };
    expect(warehouseResource(template).IamRoles).toEqual([roleArn]);
    if (shape === 'serverless') expect(warehouseResource(template).DefaultIamRoleArn).toEqual(roleArn);
    assertions.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'redshift.amazonaws.com' } },
        ],
      },
    });
  });

  it('tags every resource that CloudFormation can tag with the project tag', () => {
    // These two types have no Tags property in CloudFormation.
    const untaggable = new Set(['AWS::EC2::SubnetRouteTableAssociation', 'AWS::IAM::Policy']);
    for (const [id, resource] of Object.entries(template.Resources)) {
      if (untaggable.has(resource.Type)) continue;
      expect(resource.Properties?.Tags, `${id} (${resource.Type})`).toContainEqual({
        Key: 'project',
        Value: 'sparkify',
      });
    }
  });

  it('has no file assets and no bootstrap rule, so it deploys without cdk bootstrap', () => {
    expect(template.Parameters).toBeUndefined();
    expect(template.Rules).toBeUndefined();
    expect(resourcesOf(template, 'AWS::Lambda::Function')).toEqual([]);
    expect(resourcesOf(template, 'AWS::CloudFormation::CustomResource')).toEqual([]);
    expect(Object.values(template.Resources).some((resource) => resource.Type.startsWith('Custom::'))).toBe(
      false,
    );
  });

  it('passes cdk-nag AwsSolutions with zero errors, acknowledging only the reasoned exceptions', () => {
    const nag = synthesized[shape].nag!;
    expect(nag.findings).toEqual([]);
    const rules = nag.acknowledged.map((acknowledgement) => acknowledgement.rule);
    expect(rules).toEqual([
      'AwsSolutions-IAM5[Resource::arn:aws:s3:::udacity-dend/song_data/*]',
      'AwsSolutions-IAM5[Resource::arn:aws:s3:::udacity-dend/log_data/*]',
      'AwsSolutions-IAM5[Resource::arn:aws:s3:::sparkify-team/manifests/*]',
      ...(shape === 'provisioned' ? ['AwsSolutions-RS4'] : []),
    ]);
    for (const acknowledgement of nag.acknowledged) expect(acknowledgement.reason.length).toBeGreaterThan(40);
  });
});

function warehouseResource(template: CloudFormationTemplate): Record<string, unknown> {
  const type = template.Resources.Cluster ? 'AWS::Redshift::Cluster' : 'AWS::RedshiftServerless::Namespace';
  return only(template, type)[1].Properties!;
}

describe('settings that open the warehouse', () => {
  const opened = synthesizeWarehouse(
    settingsFor('serverless', {
      allowCidrs: ['203.0.113.7/32', '2001:db8::/64'],
      allowSecurityGroups: ['sg-0123456789abcdef0'],
      sourceKmsKeyArn: 'arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      publiclyAccessible: true,
    }),
    { nag: true },
  );

  it('admit exactly the named CIDRs and security group on 5439', () => {
    expect(ingressRules(opened.template)).toEqual([
      expect.objectContaining({ CidrIp: '203.0.113.7/32', FromPort: 5439, ToPort: 5439, IpProtocol: 'tcp' }),
      expect.objectContaining({ CidrIpv6: '2001:db8::/64', FromPort: 5439, ToPort: 5439, IpProtocol: 'tcp' }),
      expect.objectContaining({
        SourceSecurityGroupId: 'sg-0123456789abcdef0',
        FromPort: 5439,
        ToPort: 5439,
        IpProtocol: 'tcp',
      }),
    ]);
    expect(JSON.stringify(ingressRules(opened.template))).not.toMatch(/0\.0\.0\.0\/0|::\/0/);
  });

  it('make it publicly accessible only when asked, in public subnets', () => {
    expect(warehouseOf(opened.template).PubliclyAccessible).toBe(true);
    expect(resourcesOf(opened.template, 'AWS::EC2::InternetGateway')).toHaveLength(1);
    expect(resourcesOf(synthesized.serverless.template, 'AWS::EC2::InternetGateway')).toEqual([]);
  });

  it('let the role decrypt with the given source key and no other', () => {
    const kms = copyRoleStatements(opened.template).filter((statement) =>
      list(statement.Action).includes('kms:Decrypt'),
    );
    expect(kms).toEqual([
      expect.objectContaining({
        Resource: 'arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      }),
    ]);
    expect(
      copyRoleStatements(synthesized.provisioned.template).some((statement) =>
        list(statement.Action).includes('kms:Decrypt'),
      ),
    ).toBe(false);
  });

  it('are reported by cdk-nag when the world is let in', () => {
    const world = synthesizeWarehouse(settingsFor('provisioned', { allowCidrs: ['0.0.0.0/0'] }), {
      nag: true,
    });
    expect(world.nag!.findings.map((finding) => finding.rule)).toEqual(['AwsSolutions-EC23']);
  });
});
