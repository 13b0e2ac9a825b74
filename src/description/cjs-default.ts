// Ajv's internal modules are CommonJS: Node's ESM loader hands one over as `{ default: x }`,
// bundlers and vitest as `x`. The pass-path keywords (fast-*.ts) reuse Ajv's own pieces through this.
export const cjsDefault = <T>(m: unknown): T => ((m as { default?: T }).default ?? m) as T;
