/**
 * Runs s3rver (an S3-compatible server from npm) in its own process, for the storage tests:
 * `node s3rver-main.js DIR BUCKET…` listens on 127.0.0.1 (a free port) and prints `{"port": N}`.
 * Its own process because its paginated ListObjectsV2 encrypts continuation tokens with DES,
 * which OpenSSL 3 serves from its legacy provider: whether that needs --openssl-legacy-provider
 * depends on the Node build, so the parent picks the flag that works (see s3-server.ts).
 */
import S3rver from 's3rver';

const [directory, ...buckets] = process.argv.slice(2);
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: directory!, configureBuckets: buckets.map((name) => ({ name })) });
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
