// `minLength` / `maxLength` for the pass-path Ajv instance: the same answer as Ajv's own keywords,
// which count Unicode code points (a surrogate pair is one character), without scanning the string
// when its length in UTF-16 code units already decides. Why: Ajv calls its code-point counter on
// every string with a length bound (45 schemas say `minLength: 1`; media tokens and SAML requests
// run to hundreds of characters), and that scan was a visible share of checking a response.
//
// A string of `len` code units has between ceil(len / 2) and len code points, so
//   minLength n: len < n fails; len >= 2n passes; otherwise count;
//   maxLength m: len <= m passes; len > 2m fails; otherwise count.
import { _, str, type CodeKeywordDefinition, type KeywordCxt } from 'ajv/dist/2020.js';
import ucs2 from 'ajv/dist/runtime/ucs2length.js';
import { useFunc } from 'ajv/dist/compile/util.js';
import { cjsDefault } from './cjs-default.ts';

/** Ajv's own code-point counter (what its `minLength` / `maxLength` compare). */
export const ucs2length = cjsDefault<typeof ucs2.default>(ucs2);

/** The same answer, counting only when the UTF-16 length does not decide. */
export function fastLengthOk(keyword: 'minLength' | 'maxLength', bound: number, s: string): boolean {
  const len = s.length;
  if (keyword === 'minLength') return len >= 2 * bound || (len >= bound && ucs2length(s) >= bound);
  return len <= bound || (len <= 2 * bound && ucs2length(s) <= bound);
}

/** Ajv keyword definition generating `fastLengthOk` inline (the bound is a literal: no `$data`). */
export const fastLengthKeyword: CodeKeywordDefinition = {
  keyword: ['minLength', 'maxLength'],
  type: 'string',
  schemaType: 'number',
  error: { message: ({ keyword, schemaCode }) => str`must NOT have ${keyword === 'maxLength' ? 'more' : 'fewer'} than ${schemaCode} characters` },
  code(cxt: KeywordCxt) {
    const { keyword, data, schema } = cxt;
    const bound = schema as number;
    const count = useFunc(cxt.gen, ucs2length);
    if (keyword === 'minLength') cxt.fail(_`${data}.length < ${bound} || (${data}.length < ${2 * bound} && ${count}(${data}) < ${bound})`);
    else cxt.fail(_`${data}.length > ${bound} && (${data}.length > ${2 * bound} || ${count}(${data}) > ${bound})`);
  },
};
