// `pass-contract/types`: the types generated from the description (`paths`, `components`, `operations`).
export type * from 'pass-contract-client/types';
