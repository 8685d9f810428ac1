/**
 * Opt-in: a run on a real bucket, skipped unless asked for. Set one or more of
 * CAMPAIGN_TEST_S3_URL, CAMPAIGN_TEST_GCS_URL, CAMPAIGN_TEST_AZURE_URL to a dataset (SPEC §2) on
 * that provider, with credentials in the environment as docs/object-storage.md describes, and
 * CAMPAIGN_TEST_CLOUD_DATE to its campaign date; CAMPAIGN_TEST_CLOUD_LOCAL_COPY (optional) to a
 * local copy of the same files, whose run id the cloud run must equal. The rest of the suite never
 * leaves 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { runCampaign } from '../../engine/run-campaign.js';
import { tempDir } from '../support/temp-dir.js';

const date = process.env['CAMPAIGN_TEST_CLOUD_DATE'] ?? '';
const copy = process.env['CAMPAIGN_TEST_CLOUD_LOCAL_COPY'];

describe.each(['CAMPAIGN_TEST_S3_URL', 'CAMPAIGN_TEST_GCS_URL', 'CAMPAIGN_TEST_AZURE_URL'])('%s', (variable) => {
  const url = process.env[variable];
  it.skipIf(url === undefined || date === '')('runs on the bucket; the same run id as a local copy when one is given', async () => {
    const out = tempDir();
    const run = await runCampaign({ dataDir: url!, date, outDir: join(out, 'cloud') });
    assert.ok(run.manifest.inputs.files.every((f) => f.url?.startsWith(`${run.manifest.inputs.dataset}/`)), 'every input recorded by URL');
    if (copy !== undefined) assert.equal(run.runId, (await runCampaign({ dataDir: copy, date, outDir: join(out, 'local') })).runId);
  });
});
