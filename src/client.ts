// `pass-contract/client`: the typed client, re-exported from the pass-contract-client package.
export * from 'pass-contract-client';
