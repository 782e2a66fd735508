import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DescribeClustersCommand, RedshiftClient } from '@aws-sdk/client-redshift';
import {
  GetNamespaceCommand,
  GetWorkgroupCommand,
  RedshiftServerlessClient,
} from '@aws-sdk/client-redshift-serverless';
import type { CloudFormationSession, WarehouseConnection } from '@sparkify/infra';
import { CliError, ExitCode } from '../errors.js';

/** The CloudFormation client of a region (the SDK's usual credential chain). */
export function cloudFormation(region: string): CloudFormationSession {
  return new CloudFormationClient({ region });
}

/** Runs one AWS call; a denied one names the action the credentials lack. */
async function awsCall<T>(action: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const name = (error as { name?: string }).name ?? '';
    const reason = /AccessDenied|NotAuthorized/i.test(name)
      ? `access denied: your AWS credentials need ${action}`
      : (error as Error).message;
    throw new CliError(`${action}: ${reason}`, ExitCode.cannotRun, 'AWS_ERROR', { cause: error });
  }
}

/** The ARN of a Serverless namespace's managed admin secret (CloudFormation does not return it). */
export async function serverlessSecretArn(namespaceName: string, region: string): Promise<string> {
  const answer = await awsCall('redshift-serverless:GetNamespace', () =>
    new RedshiftServerlessClient({ region }).send(new GetNamespaceCommand({ namespaceName })),
  );
  const arn = answer.namespace?.adminPasswordSecretArn;
  if (!arn) {
    throw new CliError(
      `namespace ${namespaceName} reports no admin password secret`,
      ExitCode.cannotRun,
      'AWS_ERROR',
    );
  }
  return arn;
}

/** The warehouse's own state: the workgroup's status (AVAILABLE, …) or the cluster's (available, paused, …). */
export async function warehouseState(
  connection: WarehouseConnection,
  stackName: string,
  region: string,
): Promise<string | undefined> {
  if (connection.shape === 'serverless') {
    const answer = await awsCall('redshift-serverless:GetWorkgroup', () =>
      new RedshiftServerlessClient({ region }).send(
        new GetWorkgroupCommand({ workgroupName: connection.workgroup ?? stackName }),
      ),
    );
    return answer.workgroup?.status;
  }
  const answer = await awsCall('redshift:DescribeClusters', () =>
    new RedshiftClient({ region }).send(
      new DescribeClustersCommand({ ClusterIdentifier: connection.clusterId ?? stackName }),
    ),
  );
  return answer.Clusters?.[0]?.ClusterStatus;
}
