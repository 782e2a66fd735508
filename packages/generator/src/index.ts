export { generateDataset, type GenerateSummary, type GenerateProgress } from './generate-dataset.js';
export {
  resolveGenerateOptions,
  defaultUserCount,
  type GenerateOptions,
  type ResolvedGenerateOptions,
} from './generate-options.js';
export type { DatasetSink } from './dataset-sink.js';
export { folderSink } from './folder-sink.js';
export { s3Sink, type S3SinkOptions } from './s3-sink.js';
export { createS3Client, type S3ConnectionOptions } from './create-s3-client.js';
export { defectKinds, type DefectKind, type PlantedDefect } from './plant-defect.js';
export { logKeys, type LogKey } from './log-line.js';
export { maxListedDefects, type LogTruth } from './log-tally.js';
export type { ListeningTruth, MatchedSong, PlayedArtist, PlayedSong } from './listening-tally.js';
export { maxSongs } from './song-catalog.js';
export { GeneratorOptionsError, SinkWriteError } from './errors.js';
