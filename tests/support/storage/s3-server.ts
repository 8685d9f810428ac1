import { S3Server } from '../../../bench/workloads/storage/s3-server.js';
import { cleanup } from '../cleanup.js';

export { S3Server } from '../../../bench/workloads/storage/s3-server.js';

/** An s3rver process on 127.0.0.1 holding `buckets`, stopped when the test (or file) ends. */
export async function startS3Server(buckets: readonly string[]): Promise<S3Server> {
  const server = await S3Server.start(buckets);
  cleanup(() => server.stop());
  return server;
}
