// What an application's own logging around `fetch` does: every answer (status, headers, body) is
// kept as received and as logged through a Redactor (the one the token manager fills).
import type { Redactor } from '../../../packages/client/src/index.ts';

export function loggingFetch(redactor: Redactor) {
  const raw: string[] = [];
  const logged: string[] = [];
  const fetchAndLog = async (request: Request) => {
    const response = await fetch(request);
    const text = [response.status, ...[...response.headers].map(([name, value]) => `${name}: ${value}`), await response.clone().text()].join('\n');
    raw.push(text);
    logged.push(redactor.text(text));
    return response;
  };
  return { fetch: fetchAndLog, raw, logged };
}
