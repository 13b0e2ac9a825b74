// `additionalProperties: false` for the pass-path Ajv instance: the same answer as Ajv's keyword,
// with every property name compared inline. Why: for an object schema with more than 8 properties
// Ajv looks each key up with `Object.prototype.hasOwnProperty.call(schema.properties, key)`, about
// four times the cost of comparing the key with each name (keys from `for…in` and the names in
// the generated code are both internalized strings, so a comparison is a pointer test). Most of
// Adobe's objects (MVPDs, sessions, decisions, profiles) have more than 8 properties, and the
// lookup was the largest single cost of validating a response after formats.
// Every other use of the keyword (a schema, `patternProperties` beside it, `removeAdditional`)
// goes to Ajv's own code unchanged.
import { _, type CodeKeywordDefinition, type KeywordCxt } from 'ajv/dist/2020.js';
import ajvDefinition from 'ajv/dist/vocabularies/applicator/additionalProperties.js';
import { not, or, type Name } from 'ajv/dist/compile/codegen/index.js';
import names from 'ajv/dist/compile/names.js';
import { cjsDefault } from './cjs-default.ts';

const ajvAdditional = cjsDefault<CodeKeywordDefinition>(ajvDefinition);
const ERRORS = cjsDefault<{ errors: Name }>(names).errors;

export const fastAdditionalKeyword: CodeKeywordDefinition = {
  ...ajvAdditional,
  code(cxt: KeywordCxt) {
    const { gen, schema, parentSchema, data, errsCount, it } = cxt;
    if (schema !== false || parentSchema.patternProperties !== undefined || it.opts.removeAdditional || it.allErrors || !errsCount) {
      ajvAdditional.code(cxt);
      return;
    }
    it.props = true;
    // As Ajv: `__proto__` is never a declared property (an own `__proto__` key is additional).
    const declared = Object.keys((parentSchema.properties ?? {}) as object).filter((p) => p !== '__proto__');
    gen.forIn('key', data, (key) => {
      gen.if(declared.length ? not(or(...declared.map((p) => _`${key} === ${p}`))) : true, () => {
        cxt.setParams({ additionalProperty: key });
        cxt.error();
        gen.break();
      });
    });
    cxt.ok(_`${errsCount} === ${ERRORS}`);
  },
};
