import type { StackProps } from 'aws-cdk-lib';
import type { IVpc } from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { cdk, ec2, iam, kms, logs, redshift, serverless } from './cdk-modules.js';
import { copyRoleStatements } from './s3-grants.js';
import { PROJECT_TAG, stackNameOf, type WarehouseSettings } from './warehouse-settings.js';

/** The port the warehouse listens on: what the loader, dwh.cfg and every Redshift client expect. */
export const WAREHOUSE_PORT = 5439;

/** Redshift's audit logs, exported to CloudWatch Logs (both shapes support the three). */
const LOG_EXPORTS = ['connectionlog', 'userlog', 'useractivitylog'];

/** A cdk-nag finding the stack acknowledges on purpose. */
export interface Acknowledgement {
  rule: string;
  /** The construct path, e.g. sparkify-dev/Cluster. */
  path: string;
  reason: string;
}

/** The stack's outputs, read back by `infra up` and `infra status`. */
export const outputNames = {
  shape: 'WarehouseShape',
  endpoint: 'EndpointAddress',
  port: 'EndpointPort',
  database: 'DatabaseName',
  adminUser: 'AdminUser',
  secretArn: 'AdminSecretArn',
  copyRoleArn: 'CopyRoleArn',
  workgroup: 'WorkgroupName',
  clusterId: 'ClusterId',
  region: 'Region',
  nodeType: 'NodeType',
  nodes: 'Nodes',
  baseCapacity: 'BaseCapacity',
  publiclyAccessible: 'PubliclyAccessible',
} as const;

/**
 * One environment's warehouse: Redshift Serverless (namespace + workgroup) or a provisioned cluster, the IAM role
 * COPY uses (attached), a KMS key for data and the admin secret, the network and a security group that admits
 * 5439 only from what the settings name. Every resource carries the project tag.
 */
export class WarehouseStack extends cdk.Stack {
  readonly settings: WarehouseSettings;
  /** Every cdk-nag finding this stack acknowledges, each with its reason (printed by `plan`, listed in the README). */
  readonly acknowledgements: Acknowledgement[] = [];

  constructor(scope: Construct, settings: WarehouseSettings, props: StackProps = {}) {
    super(scope, stackNameOf(settings.environment), {
      description: `Sparkify warehouse (${settings.shape}), environment ${settings.environment}; made by sparkify infra`,
      ...props,
    });
    this.settings = settings;
    const name = stackNameOf(settings.environment);
    cdk.Tags.of(this).add(PROJECT_TAG.key, PROJECT_TAG.value);
    cdk.Tags.of(this).add('environment', settings.environment);

    const key = new kms.Key(this, 'WarehouseKey', {
      description: `${name}: encrypts the warehouse and its admin secret`,
      enableKeyRotation: true,
      removalPolicy: cdk.RemovalPolicy.DESTROY,
      // The shortest wait AWS allows before a deleted key is gone.
      pendingWindow: cdk.Duration.days(7),
    });

    const network = this.network(settings);
    const securityGroup = new ec2.SecurityGroup(this, 'WarehouseSecurityGroup', {
      vpc: network.vpc,
      description: `${name}: Redshift port ${WAREHOUSE_PORT} from the named sources only`,
      allowAllOutbound: true,
    });
    for (const cidr of settings.allowCidrs) {
      const peer = cidr.includes(':') ? ec2.Peer.ipv6(cidr) : ec2.Peer.ipv4(cidr);
      securityGroup.addIngressRule(
        peer,
        ec2.Port.tcp(WAREHOUSE_PORT),
        `Redshift from ${cidr} (--allow-cidr)`,
      );
    }
    for (const id of settings.allowSecurityGroups) {
      securityGroup.addIngressRule(
        ec2.Peer.securityGroupId(id),
        ec2.Port.tcp(WAREHOUSE_PORT),
        `Redshift from ${id} (--allow-security-group)`,
      );
    }

    const role = new iam.Role(this, 'CopyRole', {
      description: `${name}: what Redshift COPY may read (the configured source and manifest prefixes only)`,
      assumedBy: new iam.ServicePrincipal('redshift.amazonaws.com'),
    });
    const statements = copyRoleStatements(settings.copyReads, settings.sourceKmsKeyArn);
    if (statements.length > 0) {
      const policy = new iam.Policy(this, 'CopyReadPolicy', {
        document: iam.PolicyDocument.fromJson({ Version: '2012-10-17', Statement: statements }),
      });
      role.attachInlinePolicy(policy);
      for (const read of settings.copyReads.filter((each) => each.kind === 'prefix')) {
        this.acknowledge(
          policy,
          `AwsSolutions-IAM5[Resource::arn:aws:s3:::${read.bucket}/${read.key}*]`,
          `COPY reads the objects under the ${read.purpose} prefix s3://${read.bucket}/${read.key}, whose names are ` +
            'not known in advance; the wildcard stops at that prefix',
        );
      }
    }

    const outputs: Record<string, string> = {
      [outputNames.shape]: settings.shape,
      [outputNames.database]: settings.database,
      [outputNames.adminUser]: settings.adminUser,
      [outputNames.copyRoleArn]: role.roleArn,
      [outputNames.region]: cdk.Aws.REGION,
      [outputNames.publiclyAccessible]: String(settings.publiclyAccessible),
    };
    if (settings.shape === 'serverless') {
      const namespace = new serverless.CfnNamespace(this, 'Namespace', {
        namespaceName: name,
        dbName: settings.database,
        adminUsername: settings.adminUser,
        // Redshift generates the password and keeps it in Secrets Manager: it never passes through this tool.
        manageAdminPassword: true,
        adminPasswordSecretKmsKeyId: key.keyArn,
        kmsKeyId: key.keyArn,
        iamRoles: [role.roleArn],
        defaultIamRoleArn: role.roleArn,
        logExports: LOG_EXPORTS,
      });
      namespace.applyRemovalPolicy(cdk.RemovalPolicy.DESTROY);
      const workgroup = new serverless.CfnWorkgroup(this, 'Workgroup', {
        workgroupName: name,
        namespaceName: namespace.attrNamespaceNamespaceName,
        baseCapacity: settings.baseCapacity,
        port: WAREHOUSE_PORT,
        enhancedVpcRouting: true,
        publiclyAccessible: settings.publiclyAccessible,
        subnetIds: network.subnetIds,
        securityGroupIds: [securityGroup.securityGroupId],
        configParameters: [
          { parameterKey: 'require_ssl', parameterValue: 'true' },
          { parameterKey: 'enable_user_activity_logging', parameterValue: 'true' },
        ],
      });
      workgroup.applyRemovalPolicy(cdk.RemovalPolicy.DESTROY);
      outputs[outputNames.endpoint] = workgroup.attrWorkgroupEndpointAddress;
      outputs[outputNames.port] = String(WAREHOUSE_PORT);
      outputs[outputNames.workgroup] = workgroup.attrWorkgroupWorkgroupName;
      // CloudFormation does not return the namespace's managed secret ARN: `infra up` reads it with GetNamespace.
      outputs[outputNames.baseCapacity] = String(settings.baseCapacity);
    } else {
      const subnetGroup = new redshift.CfnClusterSubnetGroup(this, 'ClusterSubnets', {
        description: `${name}: the subnets of the cluster`,
        subnetIds: network.subnetIds,
      });
      const parameters = new redshift.CfnClusterParameterGroup(this, 'ClusterParameters', {
        description: `${name}: TLS required, user activity logged`,
        parameterGroupFamily: 'redshift-1.0',
        parameters: [
          { parameterName: 'require_ssl', parameterValue: 'true' },
          { parameterName: 'enable_user_activity_logging', parameterValue: 'true' },
        ],
      });
      const cluster = new redshift.CfnCluster(this, 'Cluster', {
        clusterIdentifier: name,
        clusterType: settings.nodes > 1 ? 'multi-node' : 'single-node',
        nodeType: settings.nodeType,
        ...(settings.nodes > 1 ? { numberOfNodes: settings.nodes } : {}),
        dbName: settings.database,
        masterUsername: settings.adminUser,
        // Redshift generates the password and keeps it in Secrets Manager: it never passes through this tool.
        manageMasterPassword: true,
        masterPasswordSecretKmsKeyId: key.keyArn,
        encrypted: true,
        kmsKeyId: key.keyArn,
        port: WAREHOUSE_PORT,
        enhancedVpcRouting: true,
        publiclyAccessible: settings.publiclyAccessible,
        clusterSubnetGroupName: subnetGroup.ref,
        vpcSecurityGroupIds: [securityGroup.securityGroupId],
        clusterParameterGroupName: parameters.ref,
        iamRoles: [role.roleArn],
        loggingProperties: { logDestinationType: 'cloudwatch', logExports: LOG_EXPORTS },
        allowVersionUpgrade: true,
        automatedSnapshotRetentionPeriod: 1,
        preferredMaintenanceWindow: 'sun:06:00-sun:06:30',
      });
      this.acknowledge(
        cluster,
        'AwsSolutions-RS4',
        'port 5439 is what the loader, dwh.cfg and every Redshift client expect; the security group decides who ' +
          'reaches it (nobody unless --allow-cidr or --allow-security-group names them)',
      );
      // `infra down` means gone: no final snapshot left behind to bill for storage.
      cluster.applyRemovalPolicy(cdk.RemovalPolicy.DESTROY);
      outputs[outputNames.endpoint] = cluster.attrEndpointAddress;
      outputs[outputNames.port] = cluster.attrEndpointPort;
      outputs[outputNames.clusterId] = cluster.ref;
      outputs[outputNames.secretArn] = cluster.attrMasterPasswordSecretArn;
      outputs[outputNames.nodeType] = settings.nodeType;
      outputs[outputNames.nodes] = String(settings.nodes);
    }
    for (const [id, value] of Object.entries(outputs)) new cdk.CfnOutput(this, id, { value });
  }

  private acknowledge(construct: Construct, rule: string, reason: string): void {
    cdk.Validations.of(construct).acknowledge({ id: `AwsSolutions::${rule}`, reason });
    this.acknowledgements.push({ rule, path: construct.node.path, reason });
  }

  // Serverless needs subnets in three Availability Zones; an environment-agnostic stack otherwise gets two.
  override get availabilityZones(): string[] {
    return [0, 1, 2].map((index) => cdk.Fn.select(index, cdk.Fn.getAzs()));
  }

  private network(settings: WarehouseSettings): { vpc: IVpc; subnetIds: string[] } {
    if (settings.vpcId) {
      return {
        vpc: ec2.Vpc.fromVpcAttributes(this, 'ExistingVpc', {
          vpcId: settings.vpcId,
          availabilityZones: this.availabilityZones,
        }),
        subnetIds: settings.subnetIds,
      };
    }
    const subnetType = settings.publiclyAccessible ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_ISOLATED;
    const vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.40.0.0/16'),
      maxAzs: 3,
      natGateways: 0,
      subnetConfiguration: [{ name: 'warehouse', subnetType, cidrMask: 24 }],
      // The default security group's lock-down is a Lambda-backed custom resource: a file asset and a bootstrap.
      // Nothing uses the default group here (the warehouse has its own).
      restrictDefaultSecurityGroup: false,
    });
    // COPY with enhanced VPC routing reaches S3 through the VPC: a gateway endpoint (free), no NAT, no internet.
    vpc.addGatewayEndpoint('S3Endpoint', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: cdk.RemovalPolicy.DESTROY,
    });
    vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs) });
    return { vpc, subnetIds: vpc.selectSubnets({ subnetType }).subnetIds };
  }
}

/** Where a deployed warehouse is and how to sign in, read from the stack's outputs. */
export interface WarehouseConnection {
  shape: 'serverless' | 'provisioned';
  host: string;
  port: number;
  database: string;
  user: string;
  region: string;
  copyRoleArn: string;
  workgroup?: string;
  clusterId?: string;
  /** Provisioned only: CloudFormation returns the cluster's managed secret (Serverless: GetNamespace does). */
  secretArn?: string;
}

/** The connection a deployed stack's outputs describe. */
export function connectionOf(outputs: Record<string, string>): WarehouseConnection {
  const port = Number(outputs[outputNames.port]);
  const connection: WarehouseConnection = {
    shape: outputs[outputNames.shape] === 'provisioned' ? 'provisioned' : 'serverless',
    host: outputs[outputNames.endpoint] ?? '',
    port: Number.isInteger(port) && port > 0 ? port : WAREHOUSE_PORT,
    database: outputs[outputNames.database] ?? '',
    user: outputs[outputNames.adminUser] ?? '',
    region: outputs[outputNames.region] ?? '',
    copyRoleArn: outputs[outputNames.copyRoleArn] ?? '',
  };
  if (outputs[outputNames.workgroup]) connection.workgroup = outputs[outputNames.workgroup];
  if (outputs[outputNames.clusterId]) connection.clusterId = outputs[outputNames.clusterId];
  if (outputs[outputNames.secretArn]) connection.secretArn = outputs[outputNames.secretArn];
  return connection;
}
