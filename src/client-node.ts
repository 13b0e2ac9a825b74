// `pass-contract/client/node`: the Node-only token store, re-exported from pass-contract-client.
export * from 'pass-contract-client/node';
