import type {
  CreateChangeSetCommandInput,
  DeleteStackCommandInput,
  ExecuteChangeSetCommandInput,
} from '@aws-sdk/client-cloudformation';
import { InfraError } from './errors.js';
import type { CloudFormationTemplate } from './synthesize-warehouse.js';
import { PROJECT_TAG } from './warehouse-settings.js';

/** CloudFormation's limit for a template passed inline (TemplateBody) rather than from S3. */
export const TEMPLATE_BODY_LIMIT = 51_200;

/** A change set name for this moment: `sparkify-20261201T120304Z` (unique per second, sortable). */
export function changeSetName(now: Date): string {
  return `sparkify-${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}`;
}

/**
 * The CreateChangeSet request that deploys a synthesized template: inline (no S3 bucket, so no bootstrap),
 * CAPABILITY_IAM for the COPY role, the project tag on the stack. A template over the inline limit is refused.
 */
export function createChangeSetRequest(input: {
  stackName: string;
  template: CloudFormationTemplate;
  type: 'CREATE' | 'UPDATE';
  now: Date;
}): CreateChangeSetCommandInput {
  const body = JSON.stringify(input.template);
  if (Buffer.byteLength(body) > TEMPLATE_BODY_LIMIT) {
    throw new InfraError(
      'TEMPLATE_TOO_LARGE',
      `the template of ${input.stackName} is ${Buffer.byteLength(body)} bytes; CloudFormation takes at most ${TEMPLATE_BODY_LIMIT} inline`,
    );
  }
  return {
    StackName: input.stackName,
    ChangeSetName: changeSetName(input.now),
    ChangeSetType: input.type,
    TemplateBody: body,
    Capabilities: ['CAPABILITY_IAM'],
    Tags: [{ Key: PROJECT_TAG.key, Value: PROJECT_TAG.value }],
    Description: 'sparkify infra up',
  };
}

/** The ExecuteChangeSet request for a created change set (by its ARN, which names the stack too). */
export function executeChangeSetRequest(changeSetId: string): ExecuteChangeSetCommandInput {
  return { ChangeSetName: changeSetId };
}

/** The DeleteStack request of `infra down`. */
export function deleteStackRequest(stackName: string): DeleteStackCommandInput {
  return { StackName: stackName };
}
