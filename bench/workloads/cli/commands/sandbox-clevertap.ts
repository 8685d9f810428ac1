import { parseArgs } from 'node:util';
import { parseFaultSpec } from '../../sandbox/sandbox-faults.js';
import type { SandboxFaults } from '../../sandbox/sandbox-faults.js';
import { Sandbox } from '../../sandbox/sandbox-server.js';
import type { Command } from '../../../../cli/command.js';
import { optionError, wholeNumberOption } from '../../../../cli/options.js';

const usage = `usage: campaign sandbox-clevertap [--port P] [--host H] [--faults SPEC] [--dump FILE]
                                  [--account-id ID] [--passcode CODE] [--max-concurrent N]
                                  [--parse-threads N]

Runs a local CleverTap-compatible Upload API (POST /1/upload) until Ctrl-C, for rehearsals and
tests: point 'campaign deliver' at it with CLEVERTAP_ENDPOINT=http://127.0.0.1:P. Prints
'sandbox-clevertap listening on <url>' first. GET /_sandbox/accepted returns what it accepted
(?records=1 adds per-record counts; duplicates are counted); --dump writes the same to FILE when it
stops. Auth: --account-id/--passcode, else CLEVERTAP_ACCOUNT_ID/CLEVERTAP_PASSCODE, else the
sandbox defaults SANDBOX-ACCOUNT / sandbox-passcode. --parse-threads N parses upload bodies on N
worker threads (default 0: on the main thread), so the sandbox keeps up with fast deliveries.

--faults injects failures: JSON, or 'name:key=value,…' parts joined by ';':
  429:next=N,p=P,retry-after=S    rate-limit the next N requests and/or with probability P
  5xx:next=N,p=P,status=503       server errors
  slow:ms=M,next=N,p=P[,after-processing|,process-late]   delay answers (before processing by
                                  default; process-late: process even if the client gave up)
  drop:next=N,p=P[,after-processing]        destroy the socket mid-request
  unprocessed:transient=P,permanent=P[,transient-code=555,permanent-code=512]
  crash:after=N                   exit (status 3) once N records were accepted
  seed:S                          seed for the probabilities`;

export const sandboxClevertapCommand: Command = {
  name: 'sandbox-clevertap',
  usage,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '0' },
        host: { type: 'string', default: '127.0.0.1' },
        faults: { type: 'string' },
        dump: { type: 'string' },
        'account-id': { type: 'string' },
        passcode: { type: 'string' },
        'max-concurrent': { type: 'string', default: '15' },
        'parse-threads': { type: 'string', default: '0' },
      },
      strict: true,
      allowPositionals: false,
    });
    const port = wholeNumberOption(values.port);
    if (port === null || port > 65535) return optionError(`--port must be a port number, got '${values.port}'`, usage);
    if (!/^[1-9]\d*$/.test(values['max-concurrent'])) return optionError(`--max-concurrent must be a positive integer, got '${values['max-concurrent']}'`, usage);
    const parseThreads = wholeNumberOption(values['parse-threads']);
    if (parseThreads === null || parseThreads > 64) return optionError(`--parse-threads must be an integer from 0 to 64, got '${values['parse-threads']}'`, usage);
    let faults: SandboxFaults = {};
    if (values.faults !== undefined) {
      try {
        faults = parseFaultSpec(values.faults);
      } catch (err) {
        return optionError(`--faults: ${(err as Error).message}`, usage);
      }
    }
    const accountId = values['account-id'] ?? process.env['CLEVERTAP_ACCOUNT_ID'];
    const passcode = values.passcode ?? process.env['CLEVERTAP_PASSCODE'];
    const dump = values.dump;
    const sandbox: Sandbox = await Sandbox.start({
      host: values.host,
      port,
      maxConcurrent: Number(values['max-concurrent']),
      parseThreads,
      faults,
      ...(accountId === undefined || accountId === '' ? {} : { accountId }),
      ...(passcode === undefined || passcode === '' ? {} : { passcode }),
      onCrash: () => {
        if (dump !== undefined) sandbox.dump(dump);
        console.error(`sandbox-clevertap: crash fault fired after ${sandbox.stats().accepted} accepted records`);
        process.exit(3);
      },
    });
    console.log(`sandbox-clevertap listening on ${sandbox.url}`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await sandbox.close();
    if (dump !== undefined) sandbox.dump(dump);
    const s = sandbox.stats();
    console.error(`sandbox-clevertap: stopped; ${s.requests} uploads, ${s.accepted} records accepted (${s.unique} unique, ${s.duplicates} duplicates), ${s.unprocessed} unprocessed, ${s.rateLimited} answered 429`);
    return 0;
  },
};
