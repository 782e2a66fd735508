import type { S3Client } from '@aws-sdk/client-s3';
import { LoaderError } from '../errors.js';
import type { Source } from '../sources/source.js';
import {
  planRedshiftStage,
  type RedshiftStageConfig,
  type RedshiftStagePlan,
  stageToRedshift,
} from './stage-redshift.js';
import type { StagePlan, Stager, TransformTuning } from './stager.js';
import { resolveCopyRegion } from './copy-region.js';

/** Redshift sorts in memory and keeps statistics itself (and has no SET LOCAL work_mem): nothing to tune. */
export const redshiftTuning: TransformTuning = {
  beginTransform: () => Promise.resolve(),
  temporaryTableFilled: () => Promise.resolve(),
  // Redshift has no indexes to maintain row by row.
  fillingEmptyTable: () => Promise.resolve(() => Promise.resolve()),
};

/** A Redshift staging plan: the objects and the uploads and statements that load them. */
export interface RedshiftPlan extends StagePlan {
  redshift: RedshiftStagePlan;
}

/** The Redshift target: manifests on S3 and Redshift's own COPY (see stageToRedshift). */
export function redshiftStager(
  source: Source,
  s3: S3Client | undefined,
  config: RedshiftStageConfig,
): Stager<RedshiftPlan> {
  return {
    dialect: 'redshift',
    plan: (objects, runLabel) => ({ objects, redshift: planRedshiftStage(objects, config, runLabel) }),
    stage: async (knex, plan, onProgress) => {
      if (!s3) throw new LoaderError('CONFIG_INVALID', 'The redshift target needs an S3 client');
      // Before any COPY: the data's region (asked of S3 unless --copy-region says), and the manifest bucket in it.
      const region = await resolveCopyRegion(
        s3,
        {
          data: plan.objects.map((object) => object.key),
          manifestPrefix: config.manifestPrefix,
        },
        config.region,
      );
      if (!plan.objectIds)
        throw new LoaderError('CONFIG_INVALID', 'The redshift stager needs the object ids');
      // Planned again with this run's region and object ids (the dry run knew neither).
      const redshift = planRedshiftStage(
        plan.objects,
        { ...config, region },
        plan.redshift.runLabel,
        plan.objectIds,
      );
      return stageToRedshift(
        knex,
        source,
        { ...redshift, objects: plan.objects, objectIds: plan.objectIds },
        {
          s3,
          maxErrors: config.maxErrors,
          serverless: config.serverless,
          ...(config.rules ? { rules: config.rules } : {}),
          onProgress,
        },
      );
    },
    tuning: redshiftTuning,
  };
}
