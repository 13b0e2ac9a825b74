// Reading resolved descriptions: what counts as a JSON object (not null, not an array).
export type Obj = Record<string, unknown>;

export const isObject = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
