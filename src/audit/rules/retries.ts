// Error handling: retry only what Adobe says to retry, a bounded number of times.
import { callSignature, failed, PAGES, perDevice, retryable, startingBetween, type Rule, plural } from '../rule.ts';
import type { Exchange } from '../traffic.ts';

const what = (x: Exchange) => (x.error ? `${x.status} ${x.error.code}${x.error.action ? ` (action ${x.error.action})` : ''}` : x.decisions?.length ? `decisions failing with ${[...new Set(x.decisions.map((d) => d.code ?? d.action))].join(', ')}` : `HTTP ${x.status}`);

export const retryBounded: Rule = {
  id: 'retry.bounded',
  level: 'MUST',
  title: 'Retry at most 2–3 times, never in an endless loop',
  sources: [
    { page: PAGES.checklist, section: 'Mandatory requirements › 4. Preauthorization / 5. Authorization Phase › Decisions Retrieval Retry', words: 'A retry mechanism for (pre)authorization decisions must not loop endlessly and limits retries to a reasonable number (2–3).' },
    { page: PAGES.errors, section: 'Response Handling › Retry logic', words: 'Retries for errors that call for one are limited (2–3) or spaced by exponential backoff.' },
    { page: PAGES.aiRules, section: '4./5. … Retry Logic', words: 'Limit retries to 2–3 attempts when action says retry; avoid endless retry loops.' },
  ],
  how: 'Per device, a run is the same call (method, path, query, body) repeated within 10 s of a failed answer (HTTP error, enhanced error, or every decision failing). A run with more than 3 repeats is a finding, whatever the action said.',
  fix: 'Cap retries at 2–3 with exponential backoff and only for action: retry; then surface the error.',
  check: (traffic, { label, options }) => perDevice(traffic, (device, found) => {
    let examined = 0;
    const runs = new Map<string, Exchange[]>();
    const long: Exchange[][] = [];
    const close = (run: Exchange[] | undefined) => run && run.length - 1 > options.thresholds.maxRetries && long.push(run);
    for (const x of device.exchanges) {
      const key = callSignature(x);
      const run = runs.get(key);
      const prev = run?.[run.length - 1];
      if (prev && failed(prev) && x.start >= prev.end && x.start - prev.end <= options.thresholds.retryWindowMs) {
        run!.push(x);
        examined++;
      } else {
        close(run);
        runs.set(key, [x]);
      }
    }
    for (const run of runs.values()) close(run);
    for (const run of long) {
      found(run, `${run[0]!.method} ${run[0]!.path} sent ${run.length} times in a row (${run.length - 1} retries, allowed ${options.thresholds.maxRetries}) after ${what(run[0]!)}: ${label(run[0]!)} … ${label(run[run.length - 1]!)}`);
    }
    return examined;
  }),
};

export const retryOnlyWhenRetry: Rule = {
  id: 'retry.only-when-retry',
  level: 'MUST',
  title: 'Do not repeat a call whose error asks for something other than a retry',
  sources: [
    { page: PAGES.checklist, section: 'Mandatory requirements › 8. Error Handling', words: 'Handle enhanced error codes by their action field: only a few codes warrant a retry, most need another remedy (configuration, registration, authentication, authorization). Only a few HTTP error statuses warrant a retry.' },
    { page: PAGES.errors, section: 'Action', words: 'action is one of none, configuration, application-registration, authentication, authorization, retry; only retry means: send the request again.' },
  ],
  how: 'Per device, the identical call (same method, path, query, body, header names and access token) sent again within 10 s after an answer whose action is not retry — or a 4xx without enhanced error, 401 and 429 excepted (their own rules judge them) — is a finding. A repeat that adds or drops a header (the remedy for a missing-header error) is a changed call.',
  fix: 'Act on the action field: fix the request (none), the integration (configuration), register again (application-registration), authenticate or authorize the user; repeat only on action: retry.',
  check: (traffic, { label, options }) => perDevice(traffic, (device, found) => {
    let examined = 0;
    const last = new Map<string, Exchange>();
    const repeats: { x: Exchange; prev: Exchange }[] = [];
    for (const x of device.exchanges) {
      // Header names count: adding the header an error asked for (AP-TempPass-Identity after
      // invalid_header_identity_for_temporary_access) changes the call. Values other than the token are not kept.
      const key = `${callSignature(x)} ${x.token ?? ''} ${x.headerNames.join(',')}`;
      const prev = last.get(key);
      if (prev && failed(prev) && !retryable(prev) && prev.status !== 401 && prev.status !== 429 && x.start >= prev.end && x.start - prev.end <= options.thresholds.retryWindowMs) {
        repeats.push({ x, prev });
      }
      if (failed(x) && !retryable(x)) examined++;
      last.set(key, x);
    }
    const r = repeats[0];
    if (r) found(repeats.map((p) => p.x), `repeated ${plural(repeats.length, 'call')} unchanged after errors that do not ask for a retry (e.g. ${label(r.x)} after ${what(r.prev)} at ${label(r.prev)})`);
    return examined;
  }),
};

export const retryOnlyFailedItems: Rule = {
  id: 'retry.only-failed-items',
  level: 'SHOULD',
  title: 'Retry only the decisions marked retry, not the whole list',
  sources: [{ page: PAGES.errors, section: 'Response Handling › Retry logic', words: 'For APIs that handle several items at once (e.g. preauthorize), repeat only the items marked retry, not the entire list.' }],
  how: 'After a decisions response where some items failed with action retry, the next decisions request of the device to the same MVPD within 10 s must not ask again for resources that already got a decision.',
  fix: 'Build the retry from the items whose error action is retry; keep the decisions already received.',
  check: (traffic, { label, options }) => perDevice(traffic, (device, found) => {
    let examined = 0;
    const bad: Exchange[] = [];
    const xs = device.exchanges;
    for (const x of xs) {
      if (!x.decisions?.some((d) => d.action === 'retry')) continue;
      examined++;
      const settled = new Set(x.decisions.filter((d) => d.action !== 'retry').map((d) => d.resource));
      const next = startingBetween(xs, x.end, x.end + options.thresholds.retryWindowMs + 1).find((y) => y !== x && y.path === x.path && y.resources);
      if (next?.resources?.some((r) => settled.has(r))) bad.push(next);
    }
    if (bad.length) found(bad, `${bad.length === 1 ? '1 decision retry' : `${bad.length} decision retries`} asked again for resources that already had a decision (e.g. ${label(bad[0]!)})`);
    return examined;
  }),
};
