// The check's redactor: learned secrets in their encoded forms, `user:password@` in URLs, bearer and
// basic credentials, values under credential keys, and cutting only after redacting. Expectations
// are written out by hand. Text from a hostile host (a megabyte of `a.a.a.…`) is redacted in one
// pass: the URL pattern used to try each dotted word as a scheme against the rest of the text.
import { describe, expect, it } from 'vitest';
import { Redactor, safeUrl } from '../../src/contract/redact.ts';

describe('check Redactor', () => {
  it('drops the userinfo of URLs in any scheme, and bearer and basic credentials', () => {
    const r = new Redactor();
    expect(r.text('see https://user:pa55@host.example/x and mongodb+srv://u:p@db/ and ftp://anon@f')).toBe('see https://[redacted]@host.example/x and mongodb+srv://[redacted]@db/ and ftp://[redacted]@f');
    expect(r.text('Authorization: Bearer abc.def-ghi and basic dXNlcjpwYXNz')).toBe('Authorization: Bearer [redacted] and basic [redacted]');
    expect(safeUrl('http://u:p@127.0.0.1:8080/a?b=c@d')).toBe('http://127.0.0.1:8080/a?b=c@d');
    // No userinfo: nothing changes (an @ after the path is not one).
    expect(r.text('mail me@example.com, https://host/a@b')).toBe('mail me@example.com, https://host/a@b');
  });

  it('replaces learned secrets in their encoded forms, values under credential keys, and cuts after redacting', () => {
    const r = new Redactor(['s3cret+value/1', undefined]);
    expect(r.text('raw s3cret+value/1 url s3cret%2Bvalue%2F1 lower s3cret%2bvalue%2f1 b64 czNjcmV0K3ZhbHVlLzE=')).toBe('raw [redacted] url [redacted] lower [redacted] b64 [redacted]');
    expect(r.value({ client_id: 'c1', nested: [{ access_token: 'x', note: 'has s3cret+value/1' }], count: 2 })).toEqual({ client_id: '[redacted]', nested: [{ access_token: '[redacted]', note: 'has [redacted]' }], count: 2 });
    // The secret straddles the cut at 20 characters: redacted first, so no prefix of it shows.
    expect(r.show(`${'x'.repeat(12)}s3cret+value/1`, 20)).toBe(`"${'x'.repeat(12)}[redact…`);
    expect(r.show(`${'x'.repeat(12)}s3cret+value/1`, 30)).toBe(`"${'x'.repeat(12)}[redacted]"`);
    expect(r.show('a'.repeat(300), 10)).toBe(`"${'a'.repeat(9)}…`);
  });

  it('a secret from the environment with white space around it (pasted with its line break) also goes where it shows trimmed', () => {
    const r = new Redactor(['Xk2-pasted-canary\n', ' pw-spaced-canary ']);
    expect(r.text('trimmed Xk2-pasted-canary; sent Xk2-pasted-canary%0A; b64 WGsyLXBhc3RlZC1jYW5hcnk=; spaced pw-spaced-canary.')).toBe('trimmed [redacted]; sent [redacted]; b64 [redacted]; spaced [redacted].');
  });

  it('leaves a megabyte of dotted words from a hostile host as it is', () => {
    const body = 'a.'.repeat(512 * 1024);
    expect(new Redactor().text(body)).toBe(body);
    expect(new Redactor().text(`x://${body}@h`)).toBe(`x://[redacted]@h`);
  });
});
