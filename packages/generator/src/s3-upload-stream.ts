import type { CompletedPart, S3Client } from '@aws-sdk/client-s3';
import { s3Sdk } from './s3-sdk.js';
import { Writable } from 'node:stream';
import { SinkWriteError } from './errors.js';

/** Where one streamed object goes. */
export interface S3UploadTarget {
  client: S3Client;
  bucket: string;
  key: string;
  contentType: string;
  /** Bytes per multipart part (S3 wants at least 5 MiB except for the last part). */
  partSize: number;
}

/**
 * A writable stream that stores one object of unknown length in constant memory: it buffers one part at a
 * time and uploads it before accepting more (backpressure), so a small object is one PutObject and a large
 * one a multipart upload. The stream finishes only once the object is complete, and aborts the upload on error.
 */
export class S3UploadStream extends Writable {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private uploadId: string | undefined;
  private readonly parts: CompletedPart[] = [];

  constructor(private readonly target: S3UploadTarget) {
    super({ highWaterMark: target.partSize });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    if (this.bufferedBytes < this.target.partSize) {
      callback();
      return;
    }
    this.uploadPart(this.takeBuffered()).then(
      () => callback(),
      (error: unknown) => this.fail(error, callback),
    );
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.finish().then(
      () => callback(),
      (error: unknown) => this.fail(error, callback),
    );
  }

  private async finish(): Promise<void> {
    const { client, bucket, key, contentType } = this.target;
    const { CompleteMultipartUploadCommand, PutObjectCommand } = await s3Sdk();
    if (this.uploadId === undefined) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: this.takeBuffered(),
          ContentType: contentType,
        }),
      );
      return;
    }
    if (this.bufferedBytes > 0) await this.uploadPart(this.takeBuffered());
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: this.uploadId,
        MultipartUpload: { Parts: this.parts },
      }),
    );
  }

  private async uploadPart(body: Buffer): Promise<void> {
    const { client, bucket, key, contentType } = this.target;
    const { CreateMultipartUploadCommand, UploadPartCommand } = await s3Sdk();
    if (this.uploadId === undefined) {
      const created = await client.send(
        new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType }),
      );
      this.uploadId = created.UploadId;
    }
    const PartNumber = this.parts.length + 1;
    const uploaded = await client.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: key,
        UploadId: this.uploadId,
        PartNumber,
        Body: body,
        ContentLength: body.length,
      }),
    );
    this.parts.push({ PartNumber, ETag: uploaded.ETag });
  }

  private takeBuffered(): Buffer {
    const body = Buffer.concat(this.buffered, this.bufferedBytes);
    this.buffered = [];
    this.bufferedBytes = 0;
    return body;
  }

  private fail(cause: unknown, callback: (error?: Error | null) => void): void {
    const { client, bucket, key } = this.target;
    const error = new SinkWriteError(key, { cause });
    if (this.uploadId === undefined) {
      callback(error);
      return;
    }
    // Leave no half-uploaded parts behind (they would be billed); report the original failure either way.
    const uploadId = this.uploadId;
    s3Sdk()
      .then(({ AbortMultipartUploadCommand }) =>
        client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })),
      )
      .then(
        () => callback(error),
        () => callback(error),
      );
  }
}
