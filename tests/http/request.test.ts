// The request checks the mock and the simulator share: percent-escapes, Content-Type, form bodies,
// header values. Form errors name the field and never its value (a client secret).
import { describe, expect, it } from 'vitest';
import { checkForm, decode, headerValue, mediaTypeOf } from '../../src/http/request.ts';

describe('decode()', () => {
  it('decodes percent-encoded UTF-8 and gives undefined, not a URIError, for what is not', () => {
    expect(decode('caf%C3%A9%20au%2Flait')).toBe('café au/lait');
    expect(decode('100%')).toBeUndefined();
    expect(decode('%zz')).toBeUndefined();
    expect(decode('%C3')).toBeUndefined(); // a lone lead byte is not UTF-8
  });
});

describe('mediaTypeOf()', () => {
  it('reads the media type of an RFC 9110 Content-Type, lower-cased, without its parameters', () => {
    expect(mediaTypeOf('Application/JSON; charset=UTF-8')).toEqual({ ok: true, value: 'application/json' });
    expect(mediaTypeOf('application/x-www-form-urlencoded')).toEqual({ ok: true, value: 'application/x-www-form-urlencoded' });
  });

  it('says why a value is not a Content-Type, quoting it', () => {
    for (const bad of ['json', 'application/json; charset', '']) {
      const r = mediaTypeOf(bad);
      expect(r.ok, bad).toBe(false);
      expect(!r.ok && r.message).toContain(`Content-Type ${JSON.stringify(bad)} cannot be parsed`);
    }
  });
});

describe('checkForm()', () => {
  it('accepts a form of valid escapes, + as space included', () => {
    expect(checkForm('client_id=a%20b&scope=x+y&empty=')).toEqual({ ok: true, value: 'client_id=a%20b&scope=x+y&empty=' });
  });

  it('names the field with a bad escape, never its value', () => {
    const canary = 'CANARY-secret-5c1e';
    const r = checkForm(`client_id=a&client_secret=${canary}%zz&grant_type=client_credentials`);
    expect(r).toEqual({ ok: false, message: 'form field "client_secret" is not valid percent-encoding' });
    const unnamed = checkForm(`%zz=${canary}`);
    expect(unnamed.ok).toBe(false);
    expect(!unnamed.ok && unnamed.message).not.toContain(canary.slice(0, 8));
  });
});

describe('headerValue()', () => {
  it('joins a repeated header with ", " (RFC 9110 §5.3) and passes one value or none through', () => {
    expect(headerValue(['a', 'b'])).toBe('a, b');
    expect(headerValue('a')).toBe('a');
    expect(headerValue(undefined)).toBeUndefined();
  });
});
