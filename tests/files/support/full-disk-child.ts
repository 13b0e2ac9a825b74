// Run by tests/files/full-disk.test.ts in a child process whose files may not grow past a limit
// (`ulimit -f`): writes what MODE says and prints one JSON line with what came of it.
import { writeFileAtomic } from 'pass-contract-client/node';
import { createPassClient, type LogEntry } from '../../../packages/client/src/index.ts';
import { FileTokenStore } from '../../../packages/client/src/node/file-store.ts';
import { HarRecorder, type ExchangeToRecord } from '../../../src/http/har.ts';
import { writeReportFiles } from '../../../src/report/files.ts';

const mode = process.env.MODE;
const target = process.env.TARGET!;
const big = Number(process.env.BIG_BYTES);
const failure = (error: unknown) => ({ name: (error as Error).name, message: (error as Error).message, code: (error as NodeJS.ErrnoException).code ?? ((error as Error).cause as NodeJS.ErrnoException | undefined)?.code });

const exchange = (bodyBytes: number): ExchangeToRecord => ({
  startedAt: Date.UTC(2026, 10, 25), durationMs: 12,
  request: { method: 'GET', url: 'https://sp.auth.adobe.com/api/v2/REF30/configuration', headers: [['Accept', 'application/json']] },
  response: { status: 200, headers: [['Content-Type', 'application/json']], body: JSON.stringify({ id: 'x'.repeat(bodyBytes) }) },
});

if (mode === 'report') {
  try {
    await writeReportFiles(target, [['report.json', `${JSON.stringify({ results: 'r'.repeat(big) })}\n`]]);
    console.log(JSON.stringify({ written: true }));
  } catch (error) {
    console.log(JSON.stringify({ error: failure(error) }));
  }
} else if (mode === 'store') {
  try {
    await new FileTokenStore(target).save({ clientCredentials: { clientId: 'client-id', clientSecret: 'client-secret' }, accessToken: { value: `token-${'t'.repeat(big)}`, expiresAt: 1 } });
    console.log(JSON.stringify({ written: true }));
  } catch (error) {
    console.log(JSON.stringify({ error: failure(error) }));
  }
} else if (mode === 'har') {
  const recorder = await HarRecorder.create(target);
  const outcomes: unknown[] = [];
  // A small entry, one that cannot fit, then a small one again.
  for (const bytes of [100, big, 100]) {
    try {
      await recorder.record(exchange(bytes));
      outcomes.push('recorded');
    } catch (error) {
      outcomes.push(failure(error));
    }
  }
  await recorder.close();
  console.log(JSON.stringify({ outcomes, count: recorder.count }));
} else if (mode === 'client') {
  // A programmer service whose token store is on the full disk: five calls at once, then five more.
  const warnings: LogEntry[] = [];
  const pass = createPassClient({
    baseUrl: process.env.BASE_URL!, logger: (e) => void (e.event === 'warning' && warnings.push(e)),
    dcr: { softwareStatement: process.env.STATEMENT!, deviceInfo: process.env.DEVICE_INFO!, store: new FileTokenStore(target) },
  });
  const call = () => pass.GET('/api/v2/{serviceProvider}/logout/{mvpd}', {
    params: { path: { serviceProvider: 'REF30', mvpd: 'Cablevision' }, query: { redirectUrl: 'https://adobe.com' }, header: { 'AP-Device-Identifier': 'fingerprint ZGV2aWNl', 'X-Device-Info': process.env.DEVICE_INFO! } },
  }).then(({ response }) => response.status, (error: Error) => error.message);
  const statuses = [...(await Promise.all(Array.from({ length: 5 }, call))), ...(await Promise.all(Array.from({ length: 5 }, call)))];
  console.log(JSON.stringify({ statuses, warnings: warnings.map((w) => (w.event === 'warning' ? w.warning : '')) }));
} else if (mode === 'hang-before-rename') {
  // Stops between write and rename, where a kill -9 leaves the temp file.
  await writeFileAtomic(target, 'a report that never lands', {
    beforeRename: (temp) => {
      console.log(JSON.stringify({ temp }));
      return new Promise(() => {});
    },
  });
}
